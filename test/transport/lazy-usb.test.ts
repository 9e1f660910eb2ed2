import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { usbInstalled } from '../helpers/usb-installed.js';

const dist = join(dirname(fileURLToPath(import.meta.url)), '../../dist');
const run = promisify(execFile);

/** Native modules loaded by a child that imports `modules` and optionally loads usb. */
async function nativeLoads(modules: string[], loadUsb: boolean): Promise<string[]> {
  const imports = modules
    .map((m) => `await import(${JSON.stringify(pathToFileURL(join(dist, m)).href)});`)
    .join('');
  const usb = loadUsb
    ? `await (await import(${JSON.stringify(pathToFileURL(join(dist, 'transport/usb.js')).href)})).loadUsbModule();`
    : '';
  const code = `const seen = []; const dl = process.dlopen; process.dlopen = function (m, f, ...r) { seen.push(f); return dl.call(this, m, f, ...r); }; ${imports} ${usb} console.log(JSON.stringify(seen));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', code]);
  return JSON.parse(stdout) as string[];
}

it('importing qfh (every layer, the CLI and the simulator) loads no native code', async () => {
  expect(
    await nativeLoads(['index.js', 'sim/index.js', 'cli/main.js', 'transport/usb.js'], false),
  ).toEqual([]);
});

it.runIf(usbInstalled)('the usb backend loads libusb only when it is used', async () => {
  const loaded = await nativeLoads(['index.js'], true);
  expect(loaded.some((f) => /usb/i.test(f))).toBe(true);
});
