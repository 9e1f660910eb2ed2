/**
 * A library flash of a folder package loads no CommonJS module, and the zip reader (yauzl)
 * is loaded by the first zip package read, through `require` (why: src/package/
 * require-yauzl.ts). Run on the compiled modules in a fresh process: this one has loaded
 * everything vitest needs.
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

it('flashes a folder package without loading a CommonJS module, and requires yauzl for a zip', async () => {
  const script = `
    ${RECORD_IMPORTS}
    import { createRequire } from 'node:module';
    const loaded = () => Object.keys(createRequire(import.meta.url).cache);
    const { flash, readPackage } = await import(${JSON.stringify(dist('index.js'))});
    const { SimulatedModem } = await import(${JSON.stringify(dist('sim/index.js'))});
    const modem = new SimulatedModem({ profile: 'eg25g' });
    const report = await flash(await readPackage(process.argv[1]), modem.connect());
    const afterFolder = loaded();
    await readPackage(process.argv[2]);
    console.log(JSON.stringify({ images: report.ops.length, afterFolder, afterZip: loaded() }));
  `;
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    ['--input-type=module', '-e', script, folder, zip],
    { maxBuffer: 1 << 20 },
  );
  const r = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as {
    images: number;
    afterFolder: string[];
    afterZip: string[];
  };
  expect(r.images).toBeGreaterThan(0);
  expect(r.afterFolder).toEqual([]);
  expect(r.afterZip.some((path) => /node_modules\/yauzl\/index\.js$/.test(path))).toBe(true);
  const imported = importedSpecifiers(stderr);
  expect(imported).toContain(dist('index.js')); // the hook saw the imports
  expect(imported).toContain('./require-yauzl.js');
  expect(imported.filter((specifier) => namesPackage(specifier, 'yauzl'))).toEqual([]);
});
