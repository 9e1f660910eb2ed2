/**
 * qfh where no native code can load (a router: no usb prebuild for its CPU, or node
 * --no-addons): every path that needs no libusb works, and the usb one says why it cannot.
 * Both the built CLI and the single-file bundle are run, the bundle from a folder with no
 * node_modules anywhere above it.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildDemoPackage } from '../../src/sim/demo-package.js';
import { serveModem, SimulatedModem } from '../../src/sim/index.js';
import { BIN } from '../helpers/cli.js';
import { usbInstalled } from '../helpers/usb-installed.js';
import { zipFolder } from '../helpers/zip.js';

const BUNDLE = join(process.cwd(), 'dist/bundle/qfh.mjs');
let alone: string;
let bundle: string;
/** The demo package as the zip a user downloads. */
let zip: string;

beforeAll(async () => {
  alone = await mkdtemp(join(tmpdir(), 'qfh-alone-'));
  bundle = join(alone, 'qfh.mjs');
  await copyFile(BUNDLE, bundle);
  const work = join(alone, 'work');
  const folder = await buildDemoPackage(work, 'EG25GGBR07A08M2G_30.006.30.006', {
    scale: 1 / 64,
  });
  zip = join(work, 'package.zip');
  await zipFolder(folder, zip);
});
afterAll(async () => {
  await rm(alone, { recursive: true, force: true });
});

/** The environment without NODE_PATH: require() looks there for usb, import() never did. */
function withoutNodePath(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_PATH;
  return env;
}

async function noAddons(script: string, args: string[]) {
  return promisify(execFile)(process.execPath, ['--no-addons', script, ...args], {
    cwd: alone,
    env: withoutNodePath(),
    maxBuffer: 16 << 20,
  }).then(
    (r) => ({ code: 0, out: r.stdout + r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({
      code: e.code,
      out: e.stdout + e.stderr,
    }),
  );
}

/** `node dist/cli/main.js ARGS`: the compiled modules, never the bundle (bin/qfh.js prefers it). */
async function fromModules(args: string[]) {
  const main = pathToFileURL(join(process.cwd(), 'dist/cli/main.js')).href;
  const script = `const { main } = await import(${JSON.stringify(main)});
    process.exitCode = await main(${JSON.stringify(args)});`;
  return noAddons('--input-type=module', ['-e', script]);
}

// bin/qfh.js runs the bundle whenever it is built, so the compiled modules (its fallback,
// and what `import 'qfh'` loads) are run on their own as well.
// The lone bundle has no usb beside it; the others have one where the optional package is
// installed, which --no-addons refuses.
const NOT_INSTALLED = /the usb package is not installed/;
const installedUsb = usbInstalled ? /node runs with --no-addons/ : NOT_INSTALLED;
for (const [what, run, noUsb] of [
  ['the bundle, with no node_modules', (args: string[]) => noAddons(bundle, args), NOT_INSTALLED],
  ['the built CLI', (args: string[]) => noAddons(BIN, args), installedUsb],
  ['the compiled modules', fromModules, installedUsb],
] as const) {
  it(`${what} runs the demo under node --no-addons`, async () => {
    const r = await run(['demo']);
    expect(r.out).toMatch(/11 of 11 images are on the simulated NAND byte for byte/);
    expect(r.code).toBe(0);
  });

  // The zip reader is loaded at the first zip: in the bundle it must be inlined, not
  // looked up in a node_modules the router does not have.
  it(`${what} plans a zip package`, async () => {
    const r = await run(['plan', zip, '--json']);
    expect(r.out).toContain('"schema":"qfh-plan/');
    expect(r.out).toContain('"programmer":"update/firehose/prog_nand_firehose_9x07.mbn"');
    expect(r.code).toBe(0);
  });

  it(`${what} reads a modem over TCP and refuses usb with a typed hint, under --no-addons`, async () => {
    const modem = new SimulatedModem();
    const server = await serveModem(modem, '127.0.0.1', 0);
    try {
      const info = await run(['info', '--device', `tcp://127.0.0.1:${server.port}`, '--json']);
      expect(info.out).toMatch(/"ok":true/);
      const usb = await run(['info', '--device', 'usb', '--json']);
      expect(usb.out).toContain('QFH_USB_UNAVAILABLE');
      expect(usb.out).toMatch(noUsb);
      expect(usb.code).not.toBe(0);
    } finally {
      await server.close();
    }
  });
}

it('the bundle prints the relay script it carries', async () => {
  const r = await noAddons(bundle, ['relay-script']);
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/^#!\/bin\/sh/);
  expect(r.out).toContain('qfh-relay 2');
});

it('the bundle lays out help as the compiled modules do (string-width loads at first use)', async () => {
  const [fromBundle, modules] = await Promise.all([
    noAddons(bundle, ['flash', '--help']),
    fromModules(['flash', '--help']),
  ]);
  expect(fromBundle.code).toBe(0);
  expect(fromBundle.out).toContain('qfh flash ./fw --all --yes');
  expect(fromBundle.out).toBe(modules.out);
});

// A progress bar is drawn only on a terminal; `script` (util-linux, in every Debian) gives
// the bundle one. cli-progress measures every bar with its own string-width.
const hasScript = existsSync('/usr/bin/script');
it.runIf(hasScript || process.env.CI === 'true')(
  'the bundle draws its progress bar on a terminal through the whole demo',
  async () => {
    const r = await promisify(execFile)(
      'script',
      ['-qec', `${process.execPath} --no-addons qfh.mjs demo`, '/dev/null'],
      { cwd: alone, maxBuffer: 16 << 20 },
    ).then(
      (x) => ({ code: 0, out: x.stdout }),
      (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
    );
    expect(r.out).toMatch(/11 of 11 images are on the simulated NAND byte for byte/);
    expect(r.out).toMatch(/[█░]{10,}/u);
    expect(r.out).toContain('ETA');
    expect(r.code).toBe(0);
  },
);
