/**
 * Ctrl-C during a flash, as a user's terminal sends it: SIGINT to the qfh process (a real
 * child), at several points. qfh stops at the next safe point (the simulated programmer never
 * sees a raw transfer cut short), says in one line what state the modem is in and what to run
 * next, ends its --json output with a result event, and exits 130. A second Ctrl-C forces it.
 */
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoPackage, serveModem, SimulatedModem } from '../../src/sim/index.js';
import { BIN } from '../helpers/cli.js';

let root: string;
const servers: { close(): Promise<void> }[] = [];
beforeAll(async () => {
  root = await buildDemoPackage(await mkdtemp(join(tmpdir(), 'qfh-int-')));
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

const WRITES = new Set(['erase', 'program', 'patch']);
const writes = (m: SimulatedModem): number =>
  m.firehoseRuns.flatMap((r) => r.commands).filter((c) => WRITES.has(c.tag)).length;

/** Starts `qfh flash --json` on a modem at real data rates; sends SIGINT when `when` holds. */
async function interrupted(
  when: (modem: SimulatedModem) => boolean,
  signals = 1,
): Promise<{
  code: number | null;
  stderr: string;
  last: Record<string, unknown>;
  modem: SimulatedModem;
}> {
  const modem = new SimulatedModem({ profile: 'eg25g', timing: { dataTimeScale: 1 } });
  const server = await serveModem(modem, '127.0.0.1', 0);
  servers.push(server);
  const child = spawn(process.execPath, [
    BIN,
    'flash',
    root,
    '--device',
    `tcp://127.0.0.1:${server.port}`,
    '--yes',
    '--json',
  ]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  while (!when(modem)) await new Promise((r) => setTimeout(r, 5));
  child.kill('SIGINT');
  if (signals === 2) {
    // Pressed again once qfh said it is stopping (signals sent together can merge into one).
    while (!/stopping at the next safe point/.test(stderr))
      await new Promise((r) => setTimeout(r, 2));
    child.kill('SIGINT');
  }
  const code = await exited;
  const last = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
  return { code, stderr, last, modem };
}

describe('Ctrl-C during qfh flash (a real child process)', () => {
  it('before anything is written: untouched, the same command again', async () => {
    const r = await interrupted((m) => m.saharaBoots.length > 0);
    expect(r.code, r.stderr).toBe(130);
    expect(writes(r.modem)).toBe(0);
    expect(r.stderr).toMatch(/nothing was written.*\[QFH_INTERRUPTED\]/);
    expect(r.stderr).toMatch(/run the same command again/);
    expect(r.last).toMatchObject({ event: 'result', ok: false, exitCode: 130 });
  });

  it('while programming: stops between steps, says how far, names edl-recover', async () => {
    const r = await interrupted(
      (m) =>
        m.firehoseRuns.flatMap((x) => x.commands).filter((c) => c.tag === 'program').length >= 3,
    );
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/flash stopped at step \d+ of 23 .*\[QFH_INTERRUPTED\]/);
    expect(r.stderr).toMatch(/partly written.*qfh edl-recover/);
    // The programmer never saw a program's data cut short: once the bytes in flight have
    // reached it, it is not left waiting inside a raw transfer.
    for (let i = 0; i < 200 && r.modem.programmer?.inRawTransfer; i++)
      await new Promise((res) => setTimeout(res, 25));
    expect(r.modem.programmer?.inRawTransfer).toBe(false);
    expect(r.last).toMatchObject({ event: 'result', exitCode: 130 });
  });

  it('twice: forced at once, even mid-transfer, and still says what state the modem is in', async () => {
    const r = await interrupted(
      (m) =>
        m.firehoseRuns.flatMap((x) => x.commands).filter((c) => c.tag === 'program').length >= 2,
      2,
    );
    expect(r.stderr).toMatch(/again: stopping now/);
    expect(r.stderr).toMatch(/partly written|partial/);
    // Cut off mid-step, the programmer must be restarted before edl-recover.
    expect(r.stderr).toMatch(/Power-cycle/);
    expect(r.code, r.stderr).toBe(130);
  });
});
