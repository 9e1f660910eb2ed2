import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importUsbmon, parseDebugBundle } from '../../src/capture/index.js';
import { dissectorPath } from '../../src/cli/commands/wireshark.js';
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
    // A 1 ms command timeout fails the session once the programmer is up.
    const { code, stderr } = await run(
      'backup',
      join(dir, 'backup'),
      '--device',
      'sim:eg25g',
      '--programmer',
      programmer,
      '--timeout',
      'command=1',
    );
    expect(code).toBe(1);
    const path = /debug bundle written to (\S+)/.exec(stderr)?.[1];
    if (!path) throw new Error(`no bundle named in: ${stderr}`);
    try {
      const bundle = parseDebugBundle(await readFile(path, 'utf8'));
      expect(bundle?.error?.code).toBe('QFH_TRANSPORT_TIMEOUT');
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
