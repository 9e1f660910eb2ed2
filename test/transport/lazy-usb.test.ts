import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { importedSpecifiers, namesPackage, RECORD_IMPORTS } from '../helpers/record-imports.js';
import { usbInstalled } from '../helpers/usb-installed.js';

const dist = join(dirname(fileURLToPath(import.meta.url)), '../../dist');
const run = promisify(execFile);

/**
 * Native modules loaded by a child that imports `modules` and optionally loads usb (its
 * failure where usb is not installed is caught), and the specifiers its ES module loader
 * resolved.
 */
async function nativeLoads(
  modules: string[],
  loadUsb: boolean,
): Promise<{ native: string[]; imported: string[] }> {
  const imports = modules
    .map((m) => `await import(${JSON.stringify(pathToFileURL(join(dist, m)).href)});`)
    .join('');
  const usb = loadUsb
    ? `await (await import(${JSON.stringify(pathToFileURL(join(dist, 'transport/usb.js')).href)})).loadUsbModule().catch((e) => { if (e.code !== 'QFH_USB_UNAVAILABLE') throw e; });`
    : '';
  const code = `${RECORD_IMPORTS} const seen = []; const dl = process.dlopen; process.dlopen = function (m, f, ...r) { seen.push(f); return dl.call(this, m, f, ...r); }; ${imports} ${usb} console.log(JSON.stringify(seen));`;
  const { stdout, stderr } = await run(process.execPath, ['--input-type=module', '-e', code]);
  return { native: JSON.parse(stdout) as string[], imported: importedSpecifiers(stderr) };
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

// Why: src/transport/load-usb.ts. The hook sees the specifier whether or not usb resolves.
it('the usb backend is required, not imported', async () => {
  const { imported } = await nativeLoads(['index.js'], true);
  expect(imported.some((s) => s.endsWith('/dist/index.js'))).toBe(true); // the hook ran
  expect(imported.filter((s) => namesPackage(s, 'usb'))).toEqual([]);
});

/**
 * What loadUsbModule says from a copy of the compiled modules whose node_modules has no usb,
 * or a usb whose own dependency is missing (a broken install, not a missing optional package).
 */
async function loadIn(usb: 'absent' | 'broken'): Promise<{ code: string; message: string }> {
  const root = await mkdtemp(join(tmpdir(), 'qfh-load-usb-'));
  try {
    // The compiled modules (not the bundle), where no node_modules is above them.
    await cp(dist, join(root, 'dist'), { recursive: true, filter: (f) => !f.endsWith('bundle') });
    // An install: usb is looked for in the node_modules of the package named qfh.
    await writeFile(join(root, 'package.json'), '{"name":"qfh"}');
    if (usb === 'broken') {
      await mkdir(join(root, 'node_modules/usb'), { recursive: true });
      await writeFile(
        join(root, 'node_modules/usb/package.json'),
        '{"name":"usb","main":"index.js"}',
      );
      await writeFile(
        join(root, 'node_modules/usb/index.js'),
        "require('qfh-no-such-dependency');",
      );
    }
    const module = pathToFileURL(join(root, 'dist/transport/load-usb.js')).href;
    const code = `const { loadUsbModule } = await import(${JSON.stringify(module)});
      await loadUsbModule().then(() => console.log('{}'), (e) => console.log(JSON.stringify({ code: e.code, message: e.message })));`;
    const env = { ...process.env };
    delete env.NODE_PATH; // require() would also look there; import() never did
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', code], { env });
    return JSON.parse(stdout) as { code: string; message: string };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

it('usb absent is "not installed"; a dependency of usb missing is "cannot load here"', async () => {
  const absent = await loadIn('absent');
  expect(absent.code).toBe('QFH_USB_UNAVAILABLE');
  expect(absent.message).toContain('the usb package is not installed');
  const broken = await loadIn('broken');
  expect(broken.code).toBe('QFH_USB_UNAVAILABLE');
  expect(broken.message).toContain(
    "libusb cannot load here: Cannot find module 'qfh-no-such-dependency'",
  );
});
