/**
 * Regression tests for decisions that were made in more than one place (issue 11): each
 * failed before its decision got one home.
 */
import { appendFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flash } from '../../src/flash/index.js';
import { readPackage } from '../../src/package/index.js';
import type { FlashPlan } from '../../src/plan/index.js';
import { buildDemoPackage, buildTestProgrammer, SimulatedModem } from '../../src/sim/index.js';
import type { ReadOptions, Transport, WriteOptions } from '../../src/transport/transport.js';
import { runCli } from '../helpers/cli.js';
import { bytesOf, makePackage, md5Txt } from '../helpers/package-dir.js';

const text = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

/** Holds back the device's answer to the first `<configure>` for `delayMs` (a programmer still starting). */
class SlowFirstConfigure implements Transport {
  private configureSent = false;
  private delayed = false;
  readonly description: string;
  constructor(
    private readonly inner: Transport,
    private readonly delayMs: number,
  ) {
    this.description = inner.description;
  }
  async read(n: number, o: ReadOptions): Promise<Uint8Array> {
    const data = await this.inner.read(n, o);
    if (this.configureSent && !this.delayed && text(data).includes('<response')) {
      this.delayed = true;
      await new Promise((r) => setTimeout(r, this.delayMs));
    }
    return data;
  }
  async write(d: Uint8Array, o: WriteOptions): Promise<void> {
    if (text(d.subarray(0, 200)).includes('<configure')) this.configureSent = true;
    await this.inner.write(d, o);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

/** Records the timeout of every read and of every command written. */
class WaitRecorder implements Transport {
  readonly reads: number[] = [];
  readonly commands: { tag: string; timeoutMs: number }[] = [];
  readonly description: string;
  constructor(private readonly inner: Transport) {
    this.description = inner.description;
  }
  read(n: number, o: ReadOptions): Promise<Uint8Array> {
    this.reads.push(o.timeoutMs);
    return this.inner.read(n, o);
  }
  async write(d: Uint8Array, o: WriteOptions): Promise<void> {
    const tag = /<data>\s*<(\w+)/.exec(text(d.subarray(0, 300)))?.[1];
    if (tag) this.commands.push({ tag, timeoutMs: o.timeoutMs });
    await this.inner.write(d, o);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

/** An eMMC package with one image and one patch the programmer applies on the disk. */
async function emmcPackage(program: string): Promise<string> {
  const files: Record<string, string | Uint8Array> = {
    'rawprogram0.xml': `<?xml version="1.0" ?><data>${program}</data>`,
    'patch0.xml':
      '<?xml version="1.0" ?><patches><patch SECTOR_SIZE_IN_BYTES="512" byte_offset="0" filename="DISK" physical_partition_number="0" size_in_bytes="4" start_sector="NUM_DISK_SECTORS-1." value="0x12345678" what="a disk patch"/></patches>',
    'boot.img': bytesOf(3000, 5),
    'prog_firehose_8974.elf': buildTestProgrammer(),
  };
  return makePackage({ ...files, 'md5.txt': md5Txt(files) }, 'emmc');
}

const BOOT =
  '<program SECTOR_SIZE_IN_BYTES="512" filename="boot.img" label="boot" num_partition_sectors="64" physical_partition_number="0" start_sector="2048"/>';

describe('decided once: session start-up, targets, accept flags, timeouts', () => {
  it('a configure answered late is matched to it: later commands get their own answers', async () => {
    const root = await buildDemoPackage(await mkdtemp(join(tmpdir(), 'qfh-late-')));
    const modem = new SimulatedModem({ profile: 'eg25g' });
    let plan: FlashPlan | undefined;
    const report = await flash(root, new SlowFirstConfigure(modem.connect(), 1500), {
      timeouts: { configure: 1000 },
      onPlan: (p) => (plan = p),
    });
    expect(report.ok).toBe(true);
    // The disk size came from getstorageinfo's own answer (a 256 MiB NAND of 2 KiB pages).
    expect(plan?.device).toMatchObject({
      storage: 'nand',
      sectorSize: 2048,
      lunSectors: { 0: 131072 },
    });
  });

  it('a program line without start_sector is refused by the package check, not sent as sector 0', async () => {
    const root = await emmcPackage(BOOT.replace(' start_sector="2048"', ''));
    const pkg = await readPackage(root);
    expect(pkg.findings).toContainEqual(
      expect.objectContaining({ level: 'refuse', code: 'PKG_PROGRAM_NO_START' }),
    );
    const { code } = await runCli(['flash', root, '--device', 'sim:msm8974-emmc', '--dry-run']);
    expect(code).toBe(3);
  });

  it('qfh plan and qfh flash --dry-run accept --allow-md5-mismatch the same way', async () => {
    const root = await buildDemoPackage(await mkdtemp(join(tmpdir(), 'qfh-md5-')));
    await appendFile(join(root, 'update/rpm.mbn'), 'x');
    for (const command of ['plan', 'flash']) {
      const args = [
        command,
        root,
        '--allow-md5-mismatch',
        ...(command === 'flash' ? ['--dry-run'] : []),
      ];
      const accepted = await runCli(args);
      expect({ command, code: accepted.code }).toEqual({ command, code: 0 });
      expect(accepted.stdout + accepted.stderr).not.toContain('will NOT flash');
      const refused = await runCli(args.filter((a) => a !== '--allow-md5-mismatch'));
      expect({ command, code: refused.code }).toEqual({ command, code: 3 });
    }
  });

  it('Sahara and every Firehose command wait by the timeouts table, overrides included', async () => {
    const root = await emmcPackage(BOOT);
    const link = new WaitRecorder(new SimulatedModem({ profile: 'msm8974-emmc' }).connect());
    const report = await flash(root, link, {
      timeouts: { saharaHello: 4321, saharaPacket: 2345, patch: 7654, configure: 1234 },
    });
    expect(report.ok).toBe(true);
    expect(link.reads[0]).toBe(4321);
    expect(link.commands.find((c) => c.tag === 'patch')?.timeoutMs).toBe(7654);
    expect(link.commands.find((c) => c.tag === 'configure')?.timeoutMs).toBe(1234);
  });
});
