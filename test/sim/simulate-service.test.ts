/**
 * `qfh simulate` as a long-running service (issue 12): a second host is refused with a
 * message that says why (and not told to power-cycle the modem the first host is flashing),
 * a power-cycle and a dump need no restart, a dump loads back, a non-loopback --listen warns.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { open, readFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadStorage } from '../../src/sim/dump-storage.js';
import { buildDemoPackage, serveModem, SimulatedModem } from '../../src/sim/index.js';
import { profile } from '../../src/sim/profiles.js';
import { Storage } from '../../src/sim/storage/storage.js';
import { parseGpt } from '../../src/package/index.js';
import { androidPackage } from '../helpers/android-package.js';
import { BIN, runCli } from '../helpers/cli.js';
import { describeReal, realBytes, realText } from '../helpers/real.js';
import { lines } from '../helpers/reference.js';
import { demoMismatches } from '../helpers/demo-expected.js';

const demo = async (): Promise<string> =>
  buildDemoPackage(await mkdtemp(join(tmpdir(), 'qfh-service-')));

/** A `qfh simulate` child and its output so far. */
function simulate(args: string[]): { child: ChildProcessWithoutNullStreams; out: () => string } {
  const child = spawn(process.execPath, [BIN, 'simulate', ...args]);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return { child, out: () => out };
}

async function until(test: () => boolean, what: string, ms = 20_000): Promise<void> {
  for (const end = Date.now() + ms; !test();) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const exited = (child: ChildProcessWithoutNullStreams): Promise<number | null> =>
  new Promise((resolve) => child.on('exit', (code) => resolve(code)));

describe('qfh simulate serves one host at a time', () => {
  it('refuses a second host mid-flash with a message saying why; the first flash completes', async () => {
    const root = await demo();
    // Real data rates, so the first flash is still running when the second host comes.
    const modem = new SimulatedModem({ profile: 'eg25g', timing: { dataTimeScale: 1 } });
    const events: string[] = [];
    const server = await serveModem(modem, '127.0.0.1', 0, { onEvent: (l) => events.push(l) });
    const device = `tcp://127.0.0.1:${server.port}`;
    try {
      const first = runCli(['flash', root, '--device', device, '--yes']);
      const programs = (): number =>
        modem.firehoseRuns.flatMap((r) => r.commands).filter((c) => c.tag === 'program').length;
      await until(() => programs() > 0, 'the first flash to program');
      const second = await runCli(['flash', root, '--device', device, '--yes']);
      expect(second.code).toBe(4);
      expect(second.stderr).toMatch(/in use by another connection.*\[QFH_DEVICE_BUSY\]/);
      // Refused as the connection is asked what it carries, before any flash began.
      expect(second.stderr).toContain(
        'Another host is using this modem. Wait until it has finished',
      );
      expect(second.stderr).not.toMatch(/Power-cycle the modem/i);
      expect(events.some((e) => e.startsWith('refused'))).toBe(true);
      expect((await first).code).toBe(0);
      expect(await demoMismatches(modem, root)).toEqual([]);
    } finally {
      await server.close();
    }
  }, 120_000);
});

describe('qfh simulate without restarts', () => {
  it('SIGHUP power-cycles, SIGUSR2 dumps, --load brings the dump back', async () => {
    const dump = await mkdtemp(join(tmpdir(), 'qfh-service-dump-'));
    const again = await mkdtemp(join(tmpdir(), 'qfh-service-again-'));
    const root = await demo();
    const sim = simulate(['--profile', 'eg25g', '--listen', '127.0.0.1:0', '--dump', dump]);
    await until(() => /listening on tcp:\/\/127\.0\.0\.1:\d+/.test(sim.out()), 'listening');
    const port = /listening on tcp:\/\/127\.0\.0\.1:(\d+)/.exec(sim.out())?.[1] ?? '';
    const flashed = await runCli(['flash', root, '--device', `tcp://127.0.0.1:${port}`, '--yes']);
    expect(flashed.code).toBe(0);
    sim.child.kill('SIGHUP');
    await until(() => /SIGHUP: power-cycling/.test(sim.out()), 'the power-cycle');
    sim.child.kill('SIGUSR2');
    await until(() => /lun0\.img/.test(sim.out()), 'the dump');
    sim.child.kill('SIGINT');
    expect(await exited(sim.child)).toBe(0);

    const loaded = simulate([
      '--profile',
      'eg25g',
      '--listen',
      '127.0.0.1:0',
      '--load',
      dump,
      '--dump',
      again,
    ]);
    await until(() => /loaded \d+ bytes/.test(loaded.out()), 'the load');
    loaded.child.kill('SIGINT');
    expect(await exited(loaded.child)).toBe(0);
    // What was flashed is in the dump, byte for byte as the package says.
    const image = await readFile(join(dump, 'lun0.img'));
    const modem = new SimulatedModem({
      profile: 'eg25g',
      storage: new Storage(profile('eg25g').storage),
    });
    await loadStorage(modem.storage, dump);
    expect(await demoMismatches(modem, root)).toEqual([]);
    // And the simulator that loaded it holds the same bytes (its own dump on exit).
    expect((await readFile(join(again, 'lun0.img'))).equals(image)).toBe(true);
  }, 120_000);

  it('stops when the process that started it dies (no orphan left listening)', async () => {
    const shell = spawn('sh', [
      '-c',
      `"${process.execPath}" "${BIN}" simulate --listen 127.0.0.1:0 --instant & echo "pid $!"; wait`,
    ]);
    let out = '';
    shell.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await until(() => /listening on tcp:/.test(out) && /pid \d+/.test(out), 'the simulator');
    const pid = Number(/pid (\d+)/.exec(out)?.[1]);
    shell.kill('SIGKILL');
    const alive = (): boolean => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await until(() => !alive(), 'the orphaned simulator to stop', 10_000);
    expect(alive()).toBe(false);
  });

  it('warns when it listens beyond loopback', async () => {
    const sim = simulate(['--profile', 'eg25g', '--listen', '0.0.0.0:0', '--instant']);
    await until(() => /listening on tcp:/.test(sim.out()), 'listening');
    expect(sim.out()).toMatch(/warning: listening on 0\.0\.0\.0, not loopback/);
    sim.child.kill('SIGINT');
    expect(await exited(sim.child)).toBe(0);
  });
});

describeReal('qfh simulate --preload', () => {
  it('starts an eMMC phone holding a package: a valid GPT naming its partitions, and their contents', async () => {
    const dir = 'android-emmc-oneplus-x-msm8974';
    const { root, content } = await androidPackage(
      {
        'rawprogram0.xml': realText(dir, 'rawprogram0.xml'),
        'patch0.xml': realText(dir, 'patch0.xml'),
      },
      {
        'gpt_main0.bin': realBytes(dir, 'gpt_main0.bin'),
        'gpt_backup0.bin': realBytes(dir, 'gpt_backup0.bin'),
      },
      512,
    );
    const dump = await mkdtemp(join(tmpdir(), 'qfh-preload-'));
    const sim = simulate([
      '--profile',
      'msm8974-emmc',
      '--preload',
      root,
      '--dump',
      dump,
      '--instant',
    ]);
    await until(() => /listening on tcp:/.test(sim.out()), 'listening', 60_000);
    expect(sim.out()).toMatch(/preloaded \d+ images/);
    sim.child.kill('SIGINT');
    expect(await exited(sim.child)).toBe(0);
    // The dump is the whole 15 GB disk (sparse on the file system): read only what is checked.
    const disk = await open(join(dump, 'lun0.img'), 'r');
    const at = async (offset: number, length: number): Promise<Buffer> => {
      const out = Buffer.alloc(length);
      await disk.read(out, 0, length, offset);
      return out;
    };
    let compared = 0;
    try {
      const gpt = parseGpt(await at(0, 64 * 1024));
      expect(gpt.partitions.map((p) => p.name)).toEqual(
        expect.arrayContaining(['modem', 'boot', 'system']),
      );
      // Each raw image the package wrote is in its partition.
      for (const line of lines(realText(dir, 'rawprogram0.xml'), 'program')) {
        const data = content.get(line['filename'] ?? '');
        if (!data || line['sparse'] === 'true' || /^gpt_/.test(line['filename'] ?? '')) continue;
        const stored = await at(Number(line['start_sector']) * 512, data.length);
        expect(stored.equals(Buffer.from(data))).toBe(true);
        compared++;
      }
    } finally {
      await disk.close();
    }
    expect(compared).toBeGreaterThan(5);
  }, 120_000);
});

describe('qfh simulate --preload of a package for other storage', () => {
  it('is a usage error naming the profile, not a flash failure telling the user to re-flash', async () => {
    const { code, stdout, stderr } = await runCli([
      'simulate',
      '--profile',
      'msm8974-emmc',
      '--preload',
      await demo(),
      '--instant',
    ]);
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toContain('[QFH_USAGE]');
    expect(stderr).toContain('--profile msm8974-emmc: OnePlus X (eMMC phone), eMMC storage');
    expect(stderr).not.toContain('qfh flash');
  }, 60_000);
});
