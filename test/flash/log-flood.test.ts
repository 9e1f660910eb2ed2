/**
 * A programmer that never stops talking (a debug loop streaming log lines) must not hold qfh
 * forever: every wait for a quiet line has an overall deadline (`logFlood` in the timeouts
 * table), after which the session ends with a typed error and the modem's state is told as
 * it is. The simulated programmer floods from one command on (fault `floodLogsAtCommand`).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { flash } from '../../src/flash/index.js';
import { flashFailure } from '../helpers/flash-failure.js';
import { buildDemoPackage, SimulatedModem } from '../../src/sim/index.js';
import type { Timeouts } from '../../src/timeouts.js';

const WAITS: Partial<Timeouts> = { command: 1_500, erase: 1_500, staleQuiet: 300, logFlood: 2_000 };
let root: string;
beforeAll(async () => {
  root = await buildDemoPackage(await mkdtemp(join(tmpdir(), 'qfh-flood-')), undefined, {
    scale: 1 / 64,
  });
});

it('a flood from getstorageinfo on ends the flash with a timeout, nothing written', async () => {
  // Command 0 is configure, 1 getstorageinfo (the simulator's own log says so below).
  const modem = new SimulatedModem({ profile: 'eg25g', faults: { floodLogsAtCommand: 1 } });
  const link = modem.connect();
  const e = await flashFailure(flash(root, link, { timeouts: WAITS }));
  await link.close();
  expect(e.code).toBe('QFH_FIREHOSE_TIMEOUT');
  expect(e.report.state).toBe('untouched');
  expect(e.report.writesSent).toBe(0);
  expect(modem.firehoseRuns.flatMap((r) => r.commands.map((c) => c.tag))).toEqual([
    'configure',
    'getstorageinfo',
  ]);
});

it('a second session on a programmer still flooding ends at the flood deadline, with a typed error', async () => {
  const modem = new SimulatedModem({ profile: 'eg25g', faults: { floodLogsAtCommand: 2 } });
  const first = modem.connect();
  await flashFailure(flash(root, first, { timeouts: WAITS }));
  await first.close();
  // The programmer runs on and keeps flooding; a new session finds it there.
  const second = modem.connect();
  const started = Date.now();
  const e = await flashFailure(flash(root, second, { timeouts: WAITS }));
  await second.close();
  expect(Date.now() - started).toBeLessThan(20_000);
  expect(e.code).toBe('QFH_FIREHOSE_TIMEOUT');
  expect(e.report.failure?.message).toMatch(/kept sending log lines/);
});
