/**
 * What qfh tells a user after a failure is what they act on, so it must match what the
 * modem did, judged here from the simulator's own command log and storage, not qfh's report.
 */
import { createHash } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { edlRecover, flash } from '../../src/flash/index.js';
import { flashFailure } from '../helpers/flash-failure.js';
import { buildDemoPackage, SimulatedModem, type FaultPlan } from '../../src/sim/index.js';

const WRITES = new Set(['erase', 'program', 'patch']);
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
let root: string;
beforeAll(async () => {
  root = await buildDemoPackage(await mkdtemp(join(tmpdir(), 'qfh-words-')), undefined, {
    scale: 1 / 64,
  });
});

const tags = (modem: SimulatedModem, run: number): string[] =>
  modem.firehoseRuns[run]?.commands.map((c) => c.tag) ?? [];

it('a refused first erase: the modem is said to be as it was, and it is', async () => {
  // Command 0 is configure, 1 getstorageinfo, 2 the first erase (the boot loader's range).
  const modem = new SimulatedModem({ profile: 'eg25g', faults: { nakCommand: 2 } });
  const before = sha(modem.storage.export(0));
  const e = await flashFailure(flash(root, modem.connect()));
  expect(tags(modem, 0)).toEqual(['configure', 'getstorageinfo', 'erase']);
  expect(sha(modem.storage.export(0))).toBe(before);
  expect(e.report.nextStep?.situation).toBe('nothing-written');
  expect(e.report.next).toMatch(/refused the first write.*its firmware is as it was/);
  expect(e.report.next).not.toMatch(/will not boot/);
  expect(e.report.nextStep?.run).toEqual(['edl-recover', root]);
});

it('edl-recover that writes nothing on a half-written modem does not say it keeps its firmware', async () => {
  const faults: FaultPlan = { disconnectAtCommand: 8 };
  const modem = new SimulatedModem({ profile: 'eg25g', faults });
  await flashFailure(flash(root, modem.connect()));
  expect(tags(modem, 0).filter((t) => WRITES.has(t)).length).toBeGreaterThan(3);
  // The modem comes back in EDL, half-written; this time the programmer refuses getstorageinfo.
  modem.powerOn('edl');
  Object.assign(faults, { nakCommand: 1 });
  const e = await flashFailure(edlRecover(root, modem.connect()));
  expect(tags(modem, 1)).toEqual(['configure', 'getstorageinfo']);
  expect(e.report.state).toBe('untouched');
  expect(e.report.next).not.toMatch(/keeps its firmware/);
  expect(e.report.next).toMatch(
    /Nothing was written by this run; the modem still holds what the earlier run left/,
  );
  expect(e.report.nextStep?.run).toEqual(['edl-recover', root]);
});
