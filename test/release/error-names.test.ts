/**
 * `error.name` in `--json` output is part of the contract: scripts switch on it. The
 * command line runs the minified bundle, where class names were mangled (`"X"`, `"ht"`);
 * the names it prints must be the library's own class names, taken here from the source.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it, onTestFinished } from 'vitest';
import * as errors from '../../src/errors.js';
import { FirehoseSilence } from '../../src/firehose/response-reader.js';
import { FlashError } from '../../src/flash/flash-report.js';
import { ReplayMismatchError } from '../../src/capture/replay.js';
import { readPackage } from '../../src/package/index.js';
import { prepareFlash } from '../../src/flash/index.js';
import { buildDemoPackage } from '../../src/sim/index.js';
import { qfh } from '../helpers/cli.js';

const errorName = (stdout: string): unknown =>
  stdout
    .split('\n')
    .filter((l) => l.includes('"event":"error"'))
    .map((l) => (JSON.parse(l) as { error: { name: string } }).error.name)[0];

const thrownName = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'nothing thrown',
    (e: unknown) => (e as Error).constructor.name,
  );

it('the built command line names each error by its class', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'qfh-names-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  const readme = join(import.meta.dirname, '../../README.md');
  const notAPackage = await qfh('plan', readme, '--json');
  expect(errorName(notAPackage.stdout)).toBe(await thrownName(readPackage(readme)));
  const root = await buildDemoPackage(dir);
  const newer = 'EG25GGBR07A08M2G_99.999.99.999';
  const refused = await qfh('flash', root, '--dry-run', '--modem-revision', newer, '--json');
  expect(refused.code).toBe(3);
  const expected = await thrownName(prepareFlash(root, { modemRevision: newer }));
  expect(expected).toBe('PlanRefusedError');
  expect(errorName(refused.stdout)).toBe(expected);
});

it("every error class states its own name (a subclass that forgot would take its parent's)", () => {
  const classes = [
    ...Object.values(errors).filter(
      (v): v is typeof errors.QfhError =>
        typeof v === 'function' && v.prototype instanceof Error && 'errorName' in v,
    ),
    FlashError,
    FirehoseSilence,
    ReplayMismatchError,
  ];
  expect(classes.length).toBeGreaterThan(25);
  expect(classes.filter((c) => c.errorName !== c.name).map((c) => c.name)).toEqual([]);
});
