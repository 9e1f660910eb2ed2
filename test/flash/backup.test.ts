import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { backup, flash } from '../../src/flash/index.js';
import { readPackage } from '../../src/package/index.js';
import { EG25G_PARTITIONS } from '../../src/sim/mibib-image.js';
import { buildTestProgrammer, SimulatedModem } from '../../src/sim/index.js';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

it("qfh backup reads every NAND partition from the modem's own table, and flashing the backup restores the NAND byte for byte", async () => {
  const work = await mkdtemp(join(tmpdir(), 'qfh-backup-'));
  // A modem with contents of its own: the factory sbl1 and MIBIB, and distinct pages at the
  // start and the end of every partition. (Flashing the demo package first cost 1.6 s alone,
  // five times that under load, and showed nothing the comparison below does not.)
  const modem = new SimulatedModem({ profile: 'eg25g' });
  const page = (n: number) => new Uint8Array(2048 * 4).map((_, i) => (i * 31 + n * 7) & 0xff);
  for (const [n, [, block, blocks]] of EG25G_PARTITIONS.entries())
    if (n > 1) {
      modem.storage.write(0, block * 64, page(n));
      modem.storage.write(0, (block + blocks) * 64 - 4, page(n + 100));
    }
  const before = sha(modem.storage.export(0));

  const programmer = join(work, 'prog_nand_firehose_9x07.mbn');
  await writeFile(programmer, buildTestProgrammer());
  const dir = join(work, 'EG25GGBR07A08M2G_30.006.30.006_backup');
  const manifest = await backup(modem.connect(), dir, { programmer, storage: 'nand' });
  expect(manifest.partitions.map((p) => p.label)).toEqual([
    'SBL',
    'MIBIB',
    'EFS2',
    'sys_rev',
    'RAWDATA',
    'TZ',
    'RPM',
    'cust_info',
    'aboot',
    'boot',
    'recovery',
    'modem',
    'misc',
    'recoveryfs',
    'usr_data',
    'sec',
    'system',
  ]);
  // The files are what the manifest says. That they are the modem's NAND is shown below:
  // flashed back onto a damaged NAND they give the whole NAND back, byte for byte. (The test
  // moved about 1 GB, on a 256 MiB NAND, before; each pass below is needed once.)
  for (const p of manifest.partitions)
    expect(sha(new Uint8Array(await readFile(join(dir, p.file))))).toBe(p.sha256);

  // Damage: a half-erased boot, junk in the modem partition.
  modem.storage.erase(0, 16320, 1024);
  modem.storage.write(0, 30000, new Uint8Array(2048 * 8).fill(0));
  expect(sha(modem.storage.export(0))).not.toBe(before);
  modem.powerOn('edl');
  // Read-back verification would read the 240 MB again: the comparison after it is stronger.
  const restored = await flash(dir, modem.connect(), { verify: false });
  expect(restored.ok).toBe(true);
  expect(sha(modem.storage.export(0))).toBe(before);
});

it('backs up the ranges a package would write, on eMMC too', async () => {
  const work = await mkdtemp(join(tmpdir(), 'qfh-backup-'));
  const modem = new SimulatedModem({ profile: 'msm8974-emmc' });
  modem.storage.write(0, 2048, new Uint8Array(512 * 16).fill(9));
  const pkgDir = join(work, 'pkg');
  await mkdir(pkgDir);
  await writeFile(
    join(pkgDir, 'rawprogram0.xml'),
    '<?xml version="1.0" ?><data><program SECTOR_SIZE_IN_BYTES="512" filename="boot.img" label="boot" num_partition_sectors="64" physical_partition_number="0" start_sector="2048"/></data>',
  );
  await writeFile(join(pkgDir, 'boot.img'), new Uint8Array(100));
  await writeFile(join(pkgDir, 'prog_emmc_firehose_8974.mbn'), buildTestProgrammer());
  const manifest = await backup(modem.connect(), join(work, 'bk'), {
    programmer: join(pkgDir, 'prog_emmc_firehose_8974.mbn'),
    storage: 'emmc',
    layout: await readPackage(pkgDir),
  });
  expect(manifest.partitions).toEqual([
    expect.objectContaining({ label: 'boot', startSector: 2048, sectors: 64, bytes: 64 * 512 }),
  ]);
  const data = new Uint8Array(await readFile(join(work, 'bk', 'boot.bin')));
  expect(data.subarray(0, 512 * 16).every((b) => b === 9)).toBe(true);
  expect(data.subarray(512 * 16).every((b) => b === 0)).toBe(true);
});
