/**
 * The demo package is shaped like Quectel's EG25-G 30.006 one, patch lines included
 * (`CRC32(0,4096)` at sector 3): its plan carries no finding a user cannot act on. Before,
 * every plan of it (and of the real packages) warned PKG_AMBIGUOUS_NUMBER about 4096.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it, onTestFinished } from 'vitest';
import { readPackage } from '../../src/package/open-package.js';
import { planPackage } from '../../src/plan/gates.js';
import { buildDemoPackage } from '../../src/sim/demo-package.js';

it('the demo plan has no findings, and its patch still carries CRC32(0,4096)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'qfh-demo-findings-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  const pkg = await readPackage(await buildDemoPackage(dir));
  const patches = pkg.patches.flatMap((p) => p.entries.map((e) => e.value.text));
  expect(patches).toContain('CRC32(0,4096)');
  expect(planPackage(pkg).findings.map((f) => `${f.level} ${f.code}`)).toEqual([]);
});
