import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { usbInstalled } from '../helpers/usb-installed.js';

const dist = join(dirname(fileURLToPath(import.meta.url)), '../../dist');
const run = promisify(execFile);

/**
 * Every specifier the ES module loader resolves in the child, written to stderr by a loader
 * hook (Node 20's register() hooks see import(), not require()).
 */
const RECORD_IMPORTS = `import { register } from 'node:module'; register(${JSON.stringify(
  `data:text/javascript,${encodeURIComponent(`import { writeSync } from 'node:fs';
    export async function resolve(specifier, context, next) {
      writeSync(2, 'ESM ' + specifier + '\\n');
      return next(specifier, context);
    }`)}`,
)});`;

/**
 * Native modules loaded by a child that imports `modules` and optionally loads usb, and the
 * specifiers its ES module loader resolved.
 */
async function nativeLoads(
  modules: string[],
  loadUsb: boolean,
): Promise<{ native: string[]; imported: string[] }> {
  const imports = modules
    .map((m) => `await import(${JSON.stringify(pathToFileURL(join(dist, m)).href)});`)
    .join('');
  const usb = loadUsb
    ? `await (await import(${JSON.stringify(pathToFileURL(join(dist, 'transport/usb.js')).href)})).loadUsbModule();`
    : '';
  const code = `${RECORD_IMPORTS} const seen = []; const dl = process.dlopen; process.dlopen = function (m, f, ...r) { seen.push(f); return dl.call(this, m, f, ...r); }; ${imports} ${usb} console.log(JSON.stringify(seen));`;
  const { stdout, stderr } = await run(process.execPath, ['--input-type=module', '-e', code]);
  const imported = stderr.split('\n').flatMap((l) => (l.startsWith('ESM ') ? [l.slice(4)] : []));
  return { native: JSON.parse(stdout) as string[], imported };
}

it('importing qfh (every layer, the CLI and the simulator) loads no native code', async () => {
  const { native } = await nativeLoads(
    ['index.js', 'sim/index.js', 'cli/main.js', 'transport/usb.js'],
    false,
  );
  expect(native).toEqual([]);
});

it.runIf(usbInstalled)('the usb backend loads libusb only when it is used', async () => {
  const { native } = await nativeLoads(['index.js'], true);
  expect(native.some((f) => /usb/i.test(f))).toBe(true);
});

// usb is CommonJS: imported, it raised a flash's peak RSS by about 5 MiB (src/transport/load-usb.ts).
it.runIf(usbInstalled)('the usb backend is required, not imported', async () => {
  const { native, imported } = await nativeLoads(['index.js'], true);
  expect(native.some((f) => /usb/i.test(f))).toBe(true);
  expect(imported.some((s) => s.endsWith('/dist/index.js'))).toBe(true); // the hook saw imports
  expect(imported.filter((s) => /^usb$|[/\\]usb[/\\]dist[/\\]/.test(s))).toEqual([]);
});
