/**
 * A library flash of a folder package loads no CommonJS module and not the zip reader:
 * zip.js is imported by the first zip package read (src/package/zip-js.ts). Run on the
 * compiled modules in a fresh process: this one has loaded everything vitest needs.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildDemoPackage } from '../../src/sim/demo-package.js';
import { importedSpecifiers, namesPackage, RECORD_IMPORTS } from '../helpers/record-imports.js';
import { zipFolder } from '../helpers/zip.js';

let work: string;
let folder: string;
let zip: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'qfh-lazy-zip-'));
  folder = await buildDemoPackage(work, 'EG25GGBR07A08M2G_30.006.30.006', { scale: 1 / 64 });
  zip = join(work, 'package.zip');
  await zipFolder(folder, zip);
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const dist = (path: string): string => pathToFileURL(join(process.cwd(), 'dist', path)).href;

it('flashes a folder package without loading a CommonJS module or zip.js, and imports zip.js for a zip', async () => {
  const script = `
    ${RECORD_IMPORTS}
    import { createRequire } from 'node:module';
    const loaded = () => Object.keys(createRequire(import.meta.url).cache);
    const { flash, readPackage } = await import(${JSON.stringify(dist('index.js'))});
    const { SimulatedModem } = await import(${JSON.stringify(dist('sim/index.js'))});
    const modem = new SimulatedModem({ profile: 'eg25g' });
    const report = await flash(await readPackage(process.argv[1]), modem.connect());
    const afterFolder = loaded();
    console.error('MARK zip');
    const zipped = await readPackage(process.argv[2]);
    console.log(JSON.stringify({ images: report.ops.length, afterFolder, zipFiles: zipped.files.length }));
  `;
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    ['--input-type=module', '-e', script, folder, zip],
    { maxBuffer: 1 << 20 },
  );
  const r = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as {
    images: number;
    afterFolder: string[];
    zipFiles: number;
  };
  expect(r.images).toBeGreaterThan(0);
  expect(r.afterFolder).toEqual([]);
  expect(r.zipFiles).toBeGreaterThan(0);
  const [beforeZip = '', atZip = ''] = stderr.split('MARK zip\n');
  expect(importedSpecifiers(beforeZip)).toContain(dist('index.js')); // the hook saw the imports
  expect(importedSpecifiers(beforeZip).filter((s) => namesPackage(s, '@zip.js/zip.js'))).toEqual(
    [],
  );
  expect(importedSpecifiers(atZip).filter((s) => namesPackage(s, '@zip.js/zip.js'))).not.toEqual(
    [],
  );
});
