/**
 * Issue 12's fault table: every simulator fault at several points of a flash. Each failure's
 * report must state the modem's true state (judged from the simulator's own command log, not
 * from qfh's report), and its advice, followed once and literally (power-cycle if it says so,
 * then the exact command it prints, run as a user at a terminal would), must leave every image
 * on the modem byte for byte as computed from the package alone.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flash, FlashError, type FlashReport } from '../../src/flash/index.js';
import { buildDemoPackage, serveModem, SimulatedModem } from '../../src/sim/index.js';
import type { Timeouts } from '../../src/timeouts.js';
import { runCli } from '../helpers/cli.js';
import { demoMismatches } from '../helpers/demo-expected.js';
import { commandPoints, faultCases, type FaultCase } from '../helpers/fault-cases.js';

const WRITES = new Set(['erase', 'program', 'patch']);
const writesReceived = (modem: SimulatedModem): number =>
  modem.firehoseRuns.flatMap((r) => r.commands).filter((c) => WRITES.has(c.tag)).length;

/** Short waits for the faulty flash, so silent programmers are found out in seconds. */
const SHORT: Partial<Timeouts> = {
  saharaHello: 2_000,
  firehoseStartup: 5_000,
  configure: 1_500,
  command: 2_000,
  erase: 3_000,
  programAck: 2_000,
  rawData: 3_000,
  programFinal: 3_000,
  digest: 3_000,
  patch: 2_000,
};

let root: string;
let cases: FaultCase[] = [];
const servers: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  root = await buildDemoPackage(await mkdtemp(join(tmpdir(), 'qfh-faults-')));
  const healthy = new SimulatedModem({ profile: 'eg25g', holdEdl: true });
  let hostBytes = 0;
  const link = healthy.connect();
  const counting = Object.assign(Object.create(link) as typeof link, {
    write: (data: Uint8Array, o: Parameters<typeof link.write>[1]) => {
      hostBytes += data.length;
      return link.write(data, o);
    },
  });
  await flash(root, counting);
  await link.close();
  const tags = healthy.firehoseRuns.flatMap((r) => r.commands.map((c) => c.tag));
  cases = faultCases(commandPoints(tags), hostBytes);
}, 60_000);
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

/** The command an advice names, as arguments (`run: qfh …`, or "the same command again"). */
function advisedCommand(next: string, original: readonly string[]): readonly string[] | undefined {
  const named = /\brun:? qfh (.+)$/.exec(next)?.[1];
  if (named)
    return [...named.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '');
  return /run the same command again/.test(next) ? original : undefined;
}

async function expectTruthful(
  modem: SimulatedModem,
  report: FlashReport,
  error: FlashError,
): Promise<void> {
  const written = writesReceived(modem);
  expect(report.state === 'untouched', `state ${report.state}, ${written} writes received`).toBe(
    written === 0,
  );
  expect(error.message.includes('nothing was written')).toBe(written === 0);
  if (report.state === 'complete') expect(await demoMismatches(modem, root)).toEqual([]);
}

async function followAdvice(
  modem: SimulatedModem,
  report: FlashReport,
  device: string,
): Promise<void> {
  // The advice as data, followed literally; its words must say the same.
  const step = report.nextStep;
  expect(report.next).toBe(step?.text);
  if (step?.powerCycle) modem.powerCycle();
  const args = step?.run === 'same-command' ? ['flash', root, '--device', device] : step?.run;
  expect(args === undefined ? undefined : advisedCommand(step?.text ?? '', args)).toEqual(args);
  if (args === undefined) return;
  const { code, stderr } = await runCli(args, {
    terminal: { canAsk: true, confirm: async () => true },
  });
  expect(code, `${args.join(' ')} → ${stderr.trim().split('\n').slice(-3).join(' | ')}`).toBe(0);
}

async function faultyFlash(c: FaultCase): Promise<void> {
  const modem = new SimulatedModem({ profile: 'eg25g', faults: c.faults, holdEdl: true });
  const server = await serveModem(modem, '127.0.0.1', 0);
  servers.push(server);
  const device = `tcp://127.0.0.1:${server.port}`;
  const link = modem.connect();
  const options = { deviceArgument: device, ...(c.benign ? {} : { timeouts: SHORT }) };
  const outcome = await flash(root, link, options).catch((e: unknown) => e);
  await link.close();
  if (c.benign) {
    expect(outcome).toMatchObject({ ok: true });
    expect(await demoMismatches(modem, root)).toEqual([]);
    return;
  }
  expect(outcome).toBeInstanceOf(FlashError);
  const error = outcome as FlashError;
  await expectTruthful(modem, error.report, error);
  // Every write sent and verified, then the reset failed: that, and only that, is `complete`.
  expect(error.report.state === 'complete', `${c.name}: ${error.report.state}`).toBe(
    / at power \(/.test(c.name),
  );
  if (c.persistent) return expect(writesReceived(modem)).toBe(0);
  await followAdvice(modem, error.report, device);
  expect(await demoMismatches(modem, root)).toEqual([]);
}

describe.concurrent('fault table: the true state, and advice that works the first time', () => {
  it('has the rows (built from a healthy flash)', () => {
    expect(cases.length).toBeGreaterThan(40);
  });
  // Rows are made in beforeAll, after collection: one test walks them, naming the failures.
  it('every row', async () => {
    const failed: string[] = [];
    const queue = [...cases];
    const worker = async (): Promise<void> => {
      for (let c = queue.shift(); c; c = queue.shift())
        await faultyFlash(c).catch((e: unknown) => failed.push(`${c?.name}: ${String(e)}`));
    };
    await Promise.all([worker(), worker(), worker(), worker(), worker(), worker()]);
    expect(failed, `${cases.length - failed.length}/${cases.length} rows hold`).toEqual([]);
  }, 600_000);
});
