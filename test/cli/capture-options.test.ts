import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importUsbmon, parseDebugBundle } from '../../src/capture/index.js';
import { dissectorPath } from '../../src/cli/commands/wireshark.js';
import { serveModem, SimulatedModem } from '../../src/sim/index.js';
import { runCli } from '../helpers/cli.js';
import { demoPackage } from '../helpers/demo-capture.js';
import { elfStub } from '../helpers/package-dir.js';

const run = (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
  runCli(args);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qfh-cli-capture-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('--capture and --debug-bundle', () => {
  it('qfh info --capture writes a pcapng that the usbmon import reads back as the session', async () => {
    const file = join(dir, 'info.pcapng');
    const { code } = await run('info', '--device', 'sim:eg25g', '--capture', file);
    expect(code).toBe(0);
    const session = importUsbmon(await readFile(file));
    expect(session.device.identifiedBy).toBe('enumeration');
    expect(Buffer.from(session.transfers[0]?.data ?? []).toString('hex')).toMatch(
      /^0100000030000000/,
    );
  });

  it('qfh flash --capture --debug-bundle: the pcapng holds every Firehose command, the bundle the plan and the log', async () => {
    const capture = join(dir, 'flash.pcapng');
    const bundleFile = join(dir, 'flash.json');
    const root = await demoPackage();
    const { code, stderr } = await run(
      'flash',
      root,
      '--device',
      'sim:eg25g',
      '--yes',
      '--capture',
      capture,
      '--debug-bundle',
      bundleFile,
    );
    expect(code).toBe(0);
    const documents = importUsbmon(await readFile(capture)).transfers.filter(
      (t) => t.dir === 'out' && Buffer.from(t.data.subarray(0, 5)).toString() === '<?xml',
    );
    expect(documents.length).toBeGreaterThan(20);
    const bundle = parseDebugBundle(await readFile(bundleFile, 'utf8'));
    expect(bundle?.plan).toMatchObject({ ops: expect.any(Array) });
    expect(bundle?.error).toBeUndefined();
    expect(bundle?.log.some((l) => l.line.startsWith('Flashed '))).toBe(true);
    expect(stderr).toContain(`debug bundle written to ${bundleFile}`);
    const inspected = await run('inspect', bundleFile);
    expect(inspected.code).toBe(0);
    expect(inspected.stdout).toMatch(/HELLO/);
    expect(inspected.stdout).toMatch(/ configure .* → ACK/);
    // sbl1.mbn is 223176 bytes: 109 NAND pages of 2048, the last one padded.
    expect(inspected.stdout).toContain(
      ` program          ..\\sbl1.mbn LUN 0 sector 0 +109 ${109 * 2048} B`,
    );
    expect(inspected.stdout).toMatch(/ power .* → ACK/);
  });
});

describe('a debug bundle nobody asked for', () => {
  it('is written when a command fails after opening the device, and says where', async () => {
    const programmer = join(dir, 'prog.elf');
    await writeFile(programmer, elfStub());
    // The modem never answers its third Firehose command: the session fails once the
    // programmer is up, whatever the machine's load (a race on a 1 ms timeout was not).
    const modem = new SimulatedModem({ profile: 'eg25g', faults: { silentCommand: 2 } });
    const server = await serveModem(modem, '127.0.0.1', 0);
    const { code, stderr } = await run(
      'backup',
      join(dir, 'backup'),
      '--device',
      `tcp://127.0.0.1:${server.port}`,
      '--programmer',
      programmer,
      '--timeout',
      'command=300',
    ).finally(() => server.close());
    expect(code).toBe(1);
    const path = /debug bundle written to (\S+)/.exec(stderr)?.[1];
    if (!path) throw new Error(`no bundle named in: ${stderr}`);
    try {
      // In a shared folder: a name nobody can guess ahead to plant a link, created private.
      expect(path).toMatch(/qfh-debug-[^/]*-[0-9a-f]{8}\.json$/);
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      const bundle = parseDebugBundle(await readFile(path, 'utf8'));
      expect(bundle?.error?.code).toBe('QFH_FIREHOSE_TIMEOUT');
      expect(bundle?.command).toContain('backup');
      expect(Array.isArray(bundle?.host) || typeof bundle?.host === 'object').toBe(true);
    } finally {
      await rm(path, { force: true });
    }
  });

  it('writes no bundle for a refusal: nothing went wrong that a bug report could explain', async () => {
    const { code, stderr } = await run(
      'backup',
      join(dir, 'backup-refused'),
      '--device',
      'sim:eg25g',
      '--programmer',
      join(dir, 'missing.mbn'),
    );
    expect(code).toBe(3);
    expect(stderr).toContain('QFH_PROGRAMMER_INVALID');
    expect(stderr).not.toMatch(/debug bundle/);
  });

  it('writes no bundle for a failure before any device was opened', async () => {
    const { code, stderr } = await run('info', '--device', 'sim:no-such-profile');
    expect(code).not.toBe(0);
    expect(stderr).not.toMatch(/debug bundle/);
  });
});

describe('qfh wireshark', () => {
  it('prints the shipped dissector and the line that installs it', async () => {
    const { code, stdout } = await run('wireshark');
    expect(code).toBe(0);
    expect(existsSync(dissectorPath())).toBe(true);
    expect(stdout).toContain(dissectorPath());
    expect(stdout).toMatch(/cp '.*qfh-edl\.lua' ~\/\.local\/lib\/wireshark\/plugins\//);
  });
});

describe('what a debug bundle gives away', () => {
  // The simulated EG25-G's chip serial (src/sim/profiles-quectel.ts), as qfh info reads it.
  const SERIAL = 0x3b090f7d;
  const forms = ['3b090f7d', String(SERIAL)];
  const serialBytes = Buffer.from([0x7d, 0x0f, 0x09, 0x3b]);
  const transfersHold = (b: { transfers: readonly { data: string }[] }, needle: Buffer) =>
    b.transfers.some((t) => Buffer.from(t.data, 'base64').includes(needle));

  it('masks the chip serial everywhere, says so, and is the user’s alone (mode 0600)', async () => {
    const file = join(dir, 'info-bundle.json');
    const { code, stdout, stderr } = await run(
      'info',
      '--device',
      'sim:eg25g',
      '--debug-bundle',
      file,
    );
    expect(code).toBe(0);
    expect(stdout).toContain('0x3b090f7d'); // the user's own terminal shows it
    const text = await readFile(file, 'utf8');
    for (const form of forms) expect(text.toLowerCase()).not.toContain(form);
    const bundle = parseDebugBundle(text)!;
    expect(bundle.redacted).toBe(true);
    expect(transfersHold(bundle, serialBytes)).toBe(false);
    // Still a bundle worth attaching: the session and the log are there, lengths kept.
    expect(bundle.log.some((l) => /serial: +x{10}$/.test(l.line))).toBe(true);
    expect(bundle.transfers.length).toBeGreaterThan(5);
    expect(stderr).toMatch(
      /mode 0600; .*chip serial and IMEI\/IMSI\/ICCID-shaped numbers are masked/,
    );
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('--debug-bundle-raw keeps them, and says to share it privately', async () => {
    const file = join(dir, 'info-bundle-raw.json');
    const { code, stderr } = await run(
      'info',
      '--device',
      'sim:eg25g',
      '--debug-bundle',
      file,
      '--debug-bundle-raw',
    );
    expect(code).toBe(0);
    const bundle = parseDebugBundle(await readFile(file, 'utf8'))!;
    expect(bundle.redacted).toBe(false);
    expect(transfersHold(bundle, serialBytes)).toBe(true);
    expect(bundle.log.some((l) => l.line.includes('0x3b090f7d'))).toBe(true);
    expect(stderr).toContain('share it privately only');
  });

  it('is never written through a symbolic link: refused before the device is opened', async () => {
    const target = join(dir, 'precious');
    await writeFile(target, 'keep me');
    const link = join(dir, 'bundle-link.json');
    await symlink(target, link);
    const { code, stderr } = await run('info', '--device', 'sim:eg25g', '--debug-bundle', link);
    expect(code).toBe(2);
    expect(stderr).toContain('QFH_OUTPUT_UNWRITABLE');
    expect(stderr).toContain('symbolic link');
    expect(await readFile(target, 'utf8')).toBe('keep me');
  });
});

describe('a debug bundle of a session that never reads the serial through Sahara', () => {
  it('masks the serial the programmer logs and the relay token of the command line', async () => {
    // msm8974-emmc's programmer logs "Chip serial num: 511052090 (0x1e76093a)" at start, and
    // its getstorageinfo JSON carries "serial_num":511052090.
    const pkg = join(dir, 'emmc-pkg');
    await mkdir(pkg, { recursive: true });
    await writeFile(
      join(pkg, 'rawprogram0.xml'),
      '<?xml version="1.0" ?><data><program SECTOR_SIZE_IN_BYTES="512" filename="boot.img" label="boot" num_partition_sectors="8" physical_partition_number="0" start_sector="2048"/></data>',
    );
    await writeFile(join(pkg, 'boot.img'), new Uint8Array(100));
    await writeFile(join(pkg, 'prog_emmc_firehose_8974.mbn'), elfStub());
    const write = async (raw: boolean) => {
      const file = join(dir, `emmc-bundle-${raw}.json`);
      const args = [
        'backup',
        join(dir, `emmc-backup-${raw}`),
        '--from',
        pkg,
        '--device',
        'sim:msm8974-emmc',
      ];
      const r = await run(...args, '--debug-bundle', file, ...(raw ? ['--debug-bundle-raw'] : []));
      expect(r.code, r.stderr).toBe(0);
      return readFile(file, 'utf8');
    };
    const masked = (await write(false)).toLowerCase();
    const raw = await write(true);
    for (const form of ['1e76093a', '511052090']) {
      expect(masked).not.toContain(form);
      // The raw bundle shows where it would have been: the programmer's log line, as base64.
      expect(
        JSON.parse(raw).transfers.some((t: { data: string }) =>
          Buffer.from(t.data, 'base64').toString('latin1').toLowerCase().includes(form),
        ),
      ).toBe(true);
    }
  });
});
