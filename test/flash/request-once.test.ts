/**
 * A flash request is decided once: the package's plan is built once per request and once
 * more per modem with that modem's facts, and a programmer the user named is checked once
 * for the request and opened once more per modem it is uploaded to, whether one modem in
 * normal mode is flashed (identity gates, switch, flash) or several. The counts come from
 * the plan builder and the programmer file's opener themselves, wrapped.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, expect, it, vi } from 'vitest';
import { readPackage } from '../../src/package/index.js';
import type * as BuildPlan from '../../src/plan/build-plan.js';
import type * as ProgrammerFile from '../../src/sahara/programmer-file.js';
import { buildDemoPackage } from '../../src/sim/index.js';
import { runCli } from '../helpers/cli.js';

const counts = vi.hoisted(() => ({ builds: 0, programmerOpens: 0 }));

vi.mock('../../src/plan/build-plan.js', async (importOriginal) => {
  const real = await importOriginal<typeof BuildPlan>();
  return {
    ...real,
    buildPlan: (...args: Parameters<typeof real.buildPlan>) => {
      counts.builds++;
      return real.buildPlan(...args);
    },
  };
});
vi.mock('../../src/sahara/programmer-file.js', async (importOriginal) => {
  const real = await importOriginal<typeof ProgrammerFile>();
  return {
    ...real,
    openProgrammer: async (path: string) => {
      counts.programmerOpens++;
      return real.openProgrammer(path);
    },
  };
});

const made: string[] = [];
afterAll(async () => Promise.all(made.map((d) => rm(d, { recursive: true, force: true }))));
beforeEach(() => {
  counts.builds = 0;
  counts.programmerOpens = 0;
});

async function demo(): Promise<{ root: string; programmer: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'qfh-once-'));
  made.push(dir);
  const root = await buildDemoPackage(dir);
  const pkg = await readPackage(root);
  return { root, programmer: join(root, pkg.programmer ?? '') };
}

it('one modem in normal mode: the plan built twice (package, then its facts), the programmer checked once and uploaded once', async () => {
  const { root, programmer } = await demo();
  const { code, stderr } = await runCli([
    'flash',
    root,
    '--device',
    'sim:eg25g:normal',
    '--yes',
    '--programmer',
    programmer,
    '--record',
    join(made[0] ?? '', 'record.json'),
  ]);
  expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
  // One open checks it for the request, one uploads it.
  expect(counts).toEqual({ builds: 2, programmerOpens: 2 });
}, 120_000);

it('two modems: the plan built once for the request and once per modem, the programmer checked once and uploaded to each', async () => {
  const { root, programmer } = await demo();
  const { code, stderr } = await runCli([
    'flash',
    root,
    '--device',
    'sim:eg25g',
    '--device',
    'sim:eg25g',
    '--yes',
    '--programmer',
    programmer,
  ]);
  expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
  expect(counts).toEqual({ builds: 3, programmerOpens: 3 });
});

it('an accept name the library does not know is an error, before the modem is touched', async () => {
  const { root } = await demo();
  const { flash } = await import('../../src/flash/index.js');
  const { SimulatedModem } = await import('../../src/sim/index.js');
  const modem = new SimulatedModem({ profile: 'eg25g' });
  const error = await flash(root, modem.connect(), {
    accept: ['force-varient' as 'force-variant'],
  }).catch((e: unknown) => e);
  expect(error).toMatchObject({
    name: 'UsageError',
    code: 'QFH_USAGE',
    message: 'unknown accept flag: "force-varient"',
    hint: expect.stringContaining('force-variant'),
  });
  // The PBL's HELLO went unanswered: no programmer uploaded, no Firehose command.
  expect(modem.saharaBoots.length).toBe(1);
  expect(modem.firehoseRuns).toEqual([]);
});

it('a prepared request refuses a flash given other choices than it was prepared with', async () => {
  const { root, programmer } = await demo();
  const { flash, prepareFlash } = await import('../../src/flash/index.js');
  const { SimulatedModem } = await import('../../src/sim/index.js');
  const prepared = await prepareFlash(root, { accept: ['allow-downgrade'] });
  const modem = new SimulatedModem({ profile: 'eg25g' });
  for (const options of [{ programmer }, { accept: [] }, { skipUnchanged: true }]) {
    const error = await flash(prepared, modem.connect(), options).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'QFH_USAGE', message: /prepared with other/ });
  }
  expect(modem.firehoseRuns).toEqual([]);
  // The same choices again are no conflict.
  const same = await flash(prepared, modem.connect(), { accept: ['allow-downgrade'] });
  expect(same.state).toBe('flashed');
});
