/**
 * The runtime seam, held by running it: `src/core.ts` is bundled with esbuild for the
 * browser platform (a Node built-in in the core fails the bundle), then run in a `vm`
 * context that has only what a browser page has (no `Buffer`, `process`, `require`), where
 * it reads the demo package from bytes and plans it: from its files, and from the zip a user
 * downloads (a `Blob`, as a page is given a `File`), through the one zip reader qfh has. Each
 * plan must be the one Node's `readPackage` and `planPackage` make from the same files on
 * disk.
 */
import { readFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';
import { expect, it, onTestFinished } from 'vitest';
import { readPackage } from '../../src/package/open-package.js';
import { planPackage, planToJson } from '../../src/plan/index.js';
import { buildDemoPackage } from '../../src/sim/index.js';
import { bundleCore, filesOf, pageWith } from '../helpers/core-page.js';
import { zipFolder } from '../helpers/zip.js';

it('bundles for the browser and plans the demo package from its files and its zip with no Node global', async () => {
  const code = await bundleCore();
  expect(code.length).toBeGreaterThan(10_000);

  const dir = await mkdtemp(join(tmpdir(), 'qfh-core-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  const pkgRoot = await buildDemoPackage(dir);
  const name = pkgRoot.split('/').pop() ?? '';
  const files = await filesOf(pkgRoot);
  const zip = join(dir, 'download.zip');
  await zipFolder(pkgRoot, zip, { prefix: `${name}/` });

  const page = pageWith(code);
  page['files'] = files;
  page['name'] = name;
  page['zip'] = new Blob([await readFile(zip)]);
  const json = (await vm.runInContext(
    `(async () => {
      if (typeof Buffer !== 'undefined' || typeof process !== 'undefined' || typeof require !== 'undefined')
        throw new Error('a Node global leaked into the page');
      const source = qfhCore.memorySource(name, files);
      const pkg = await qfhCore.readPackageSource(source);
      const plan = qfhCore.planPackage(pkg);
      if (!pkg.md5) throw new Error(JSON.stringify(pkg.findings));
      // A File a page is given: random access through slices.
      const file = {
        size: zip.size,
        read: async (at, n) => new Uint8Array(await zip.slice(at, at + n).arrayBuffer()),
      };
      const zipped = await qfhCore.readPackageSource(
        await qfhCore.zipSource(file, { location: 'download.zip' }),
      );
      if (!zipped.md5) throw new Error(JSON.stringify(zipped.findings));
      return JSON.stringify({
        plan: qfhCore.planToJson(plan),
        md5: pkg.md5.checks,
        zipPlan: qfhCore.planToJson(qfhCore.planPackage(zipped)),
        zipMd5: zipped.md5.checks,
      });
    })()`,
    page,
  )) as string;
  const inPage = JSON.parse(json) as {
    plan: Record<string, unknown>;
    md5: unknown[];
    zipPlan: Record<string, unknown>;
    zipMd5: unknown[];
  };

  const onNode = await readPackage(pkgRoot);
  const nodePlan = JSON.parse(JSON.stringify(planToJson(planPackage(onNode)))) as Record<
    string,
    unknown
  >;
  // Only where the package was read from differs: a path on disk, a name in the page.
  expect({ ...inPage.plan, package: '' }).toEqual({ ...nodePlan, package: '' });
  expect({ ...inPage.zipPlan, package: '' }).toEqual({ ...nodePlan, package: '' });
  expect((inPage.plan['ops'] as unknown[]).length).toBeGreaterThan(5);
  // md5.txt was checked in the page too, with the portable MD5, and agrees with node:crypto.
  expect(inPage.md5).toEqual(JSON.parse(JSON.stringify(onNode.md5?.checks)));
  expect(inPage.zipMd5).toEqual(inPage.md5);
  expect(inPage.md5.length).toBeGreaterThan(5);
}, 120_000);
