// A backup is written as root from labels a device or a package chose: those labels must
// neither pick where files go nor change the package the backup becomes, and the backup must
// never land in a folder that holds something (a firmware download) or inside the package.
import { mkdir, mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { QfhError } from '../../src/errors.js';
import { backup } from '../../src/flash/index.js';
import { readPackage } from '../../src/package/index.js';
import { buildMibib, EG25G_PARTITIONS } from '../../src/sim/mibib-image.js';
import { buildTestProgrammer, SimulatedModem } from '../../src/sim/index.js';
import type { Transport } from '../../src/transport/transport.js';

/** Every file under `dir`, relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

/** A transport that fails the test if anything is sent or read. */
const untouchable = (): Transport & { touched: number } => {
  const t = {
    touched: 0,
    description: 'untouchable',
    read: () => (t.touched++, Promise.reject(new Error('read'))),
    write: () => (t.touched++, Promise.reject(new Error('write'))),
    close: () => Promise.resolve(),
  };
  return t as unknown as Transport & { touched: number };
};

/** An eMMC package of one small program, with an md5.txt a backup must not replace. */
async function smallPackage(work: string): Promise<string> {
  const pkg = join(work, 'pkg-msm8974');
  await mkdir(pkg);
  await writeFile(join(pkg, 'md5.txt'), 'VERSION:1.0\r\n');
  await writeFile(
    join(pkg, 'rawprogram0.xml'),
    '<?xml version="1.0" ?><data><program SECTOR_SIZE_IN_BYTES="512" filename="boot.img" label="boot" num_partition_sectors="8" physical_partition_number="0" start_sector="2048"/></data>',
  );
  await writeFile(join(pkg, 'boot.img'), new Uint8Array(100));
  await writeFile(join(pkg, 'prog_emmc_firehose_8974.mbn'), buildTestProgrammer());
  return pkg;
}

const HOSTILE = ['0:../../../pwn', '0:"/><erase a="', '0:.hidden', '0:PWN'];

describe('qfh backup with hostile labels', () => {
  it("keeps the device's own partition names inside the backup folder, escaped in its rawprogram", async () => {
    const work = await mkdtemp(join(tmpdir(), 'qfh-backup-hostile-'));
    const modem = new SimulatedModem({ profile: 'eg25g' });
    const table = [
      ...EG25G_PARTITIONS.slice(0, 2),
      ...HOSTILE.map((name, i) => [name, 20 + i, 1, [255, 1, 0, 0]] as const),
    ];
    modem.storage.erase(0, 10 * 64, 64); // NAND: a page is written once after an erase
    modem.storage.write(0, 10 * 64, buildMibib(table));
    for (let i = 0; i < HOSTILE.length; i++)
      modem.storage.write(0, (20 + i) * 64, new Uint8Array(2048).fill(0x40 + i));
    const programmer = join(work, 'prog_nand_firehose_9x07.mbn');
    await writeFile(programmer, buildTestProgrammer());
    const dir = join(work, 'a', 'b', 'c', 'backup');

    const manifest = await backup(modem.connect(), dir, { programmer, storage: 'nand' });

    // Nothing outside the folder: work holds the programmer and the backup's folder chain only.
    expect(await filesUnder(work)).toEqual(expect.arrayContaining(['prog_nand_firehose_9x07.mbn']));
    const outside = (await filesUnder(work)).filter((f) => !f.startsWith('a/b/c/backup/'));
    expect(outside).toEqual(['prog_nand_firehose_9x07.mbn']);
    // Every image is a plain name in update/, and the case-blind repeat (PWN after pwn) kept apart.
    const images = manifest.partitions.map((p) => p.file);
    for (const f of images) expect(f).toMatch(/^update\/[A-Za-z0-9_][A-Za-z0-9_.-]*\.bin$/);
    expect(new Set(images.map((f) => f.toLowerCase())).size).toBe(images.length);
    // The labels themselves are kept as the device gave them.
    expect(manifest.partitions.map((p) => p.label).slice(2)).toEqual(
      HOSTILE.map((n) => n.slice(2)),
    );
    // Read back by qfh's own package reader: one program per partition, the same ranges and
    // labels, no element or attribute the label smuggled in.
    const pkg = await readPackage(dir);
    const programs = pkg.rawprograms
      .flatMap((r) => r.list.entries)
      .filter((e) => e.tag === 'program');
    const erases = pkg.rawprograms.flatMap((r) => r.list.entries).filter((e) => e.tag === 'erase');
    expect(programs.map((e) => e.label)).toEqual(manifest.partitions.map((p) => p.label));
    expect(programs.map((e) => e.startSector?.text)).toEqual(
      manifest.partitions.map((p) => String(p.startSector)),
    );
    expect(erases).toHaveLength(manifest.partitions.length);
    expect(pkg.findings.filter((f) => f.level === 'refuse')).toEqual([]);
    // Device data is the user's alone.
    for (const f of await filesUnder(dir)) expect((await stat(join(dir, f))).mode & 0o077).toBe(0);
    expect((await stat(dir)).mode & 0o077).toBe(0);
    // The bytes are the partition's.
    const third = manifest.partitions[2]!;
    expect((await readFile(join(dir, third.file)))[0]).toBe(0x40);
  });

  it("keeps a package's hostile label= inside the backup folder (eMMC)", async () => {
    const work = await mkdtemp(join(tmpdir(), 'qfh-backup-hostile-'));
    const modem = new SimulatedModem({ profile: 'msm8974-emmc' });
    const pkgDir = join(work, 'pkg');
    await mkdir(pkgDir);
    await writeFile(
      join(pkgDir, 'rawprogram0.xml'),
      '<?xml version="1.0" ?><data><program SECTOR_SIZE_IN_BYTES="512" filename="boot.img" label="../../../../tmp/qfh-pwned&quot; start_sector=&quot;0" num_partition_sectors="8" physical_partition_number="0" start_sector="2048"/></data>',
    );
    await writeFile(join(pkgDir, 'boot.img'), new Uint8Array(100));
    await writeFile(join(pkgDir, 'prog_emmc_firehose_8974.mbn'), buildTestProgrammer());
    const dir = join(work, 'bk');
    const manifest = await backup(modem.connect(), dir, {
      programmer: join(pkgDir, 'prog_emmc_firehose_8974.mbn'),
      storage: 'emmc',
      layout: await readPackage(pkgDir),
    });
    expect(
      (await filesUnder(work)).filter((f) => !f.startsWith('bk/') && !f.startsWith('pkg/')),
    ).toEqual([]);
    expect(manifest.partitions[0]!.file).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_.-]*\.bin$/);
    const programs = (await readPackage(dir)).rawprograms.flatMap((r) => r.list.entries);
    expect(programs.map((e) => [e.label, e.startSector?.text])).toEqual([
      ['../../../../tmp/qfh-pwned" start_sector="0', '2048'],
    ]);
  });
});

describe('qfh backup refuses a destination that holds something', () => {
  const cases: [string, (work: string, pkg: string) => Promise<string>][] = [
    ['the package itself', async (_w, pkg) => pkg],
    ['a new folder inside the package', async (_w, pkg) => join(pkg, 'backup')],
    [
      'a folder that holds a file',
      async (w) => {
        await mkdir(join(w, 'full'));
        await writeFile(join(w, 'full', 'notes.txt'), 'mine');
        return join(w, 'full');
      },
    ],
    ['a file', async (w) => (await writeFile(join(w, 'file'), 'x'), join(w, 'file'))],
  ];
  it.each(cases)('%s: QFH_OUTPUT_UNWRITABLE, nothing sent, nothing changed', async (_n, dest) => {
    const work = await mkdtemp(join(tmpdir(), 'qfh-backup-dest-'));
    const pkg = await smallPackage(work);
    const dir = await dest(work, pkg);
    const before = await filesUnder(work);
    const md5Before = await readFile(join(pkg, 'md5.txt'), 'utf8');
    const transport = untouchable();
    const error = await backup(transport, dir, {
      programmer: join(pkg, 'prog_emmc_firehose_8974.mbn'),
      storage: 'emmc',
      layout: await readPackage(pkg, { verifyMd5: false }),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QfhError);
    expect((error as QfhError).code).toBe('QFH_OUTPUT_UNWRITABLE');
    expect((error as QfhError).hint).toMatch(/folder/);
    expect(transport.touched).toBe(0);
    expect(await filesUnder(work)).toEqual(before);
    expect(await readFile(join(pkg, 'md5.txt'), 'utf8')).toBe(md5Before);
  });

  it('an empty folder is taken', async () => {
    const work = await mkdtemp(join(tmpdir(), 'qfh-backup-dest-'));
    const pkg = await smallPackage(work);
    await mkdir(join(work, 'empty'));
    const modem = new SimulatedModem({ profile: 'msm8974-emmc' });
    const m = await backup(modem.connect(), join(work, 'empty'), {
      programmer: join(pkg, 'prog_emmc_firehose_8974.mbn'),
      storage: 'emmc',
      layout: await readPackage(pkg, { verifyMd5: false }),
    });
    expect(await filesUnder(join(work, 'empty'))).toContain(m.partitions[0]!.file);
  });
});
