import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it, onTestFinished } from 'vitest';
import { buildDemoPackage } from '../../src/sim/index.js';
import { runCli } from '../helpers/cli.js';

it('qfh flash --skip-unchanged notes it in the plan and says in the report what it compared', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'qfh-cli-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  const root = await buildDemoPackage(dir);
  const { code, stdout, stderr } = await runCli([
    'flash',
    root,
    '--device',
    'sim:eg25g',
    '--yes',
    '--skip-unchanged',
  ]);
  expect(code).toBe(0);
  expect(stderr).toMatch(/INFO\s+PLAN_SKIP_UNCHANGED: --skip-unchanged: before writing/);
  // The EG25-G programmer has no getsha256digest: nothing compared, everything written.
  expect(stdout).toContain(
    'skip-unchanged: the programmer has no getsha256digest, so --skip-unchanged compared nothing',
  );
  expect(stdout).toMatch(/Flashed .*: 23\/23 steps/);
});
