/**
 * The router bundle run as root from a shared folder (the README's `/tmp/qfh.mjs`) must not
 * load a `usb` package another account planted beside it: qfh loads usb from its own install
 * only (src/transport/usb-home.ts). The planted package leaves a mark when it is loaded; the
 * same bundle in a folder only its owner can write does load it, so the test sees a load.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';

const BUNDLE = join(process.cwd(), 'dist/bundle/qfh.mjs');
let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'qfh-usb-planted-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

/** A folder holding the bundle and a planted node_modules/usb; mode as given. */
async function bundleBeside(name: string, mode: number): Promise<{ dir: string; mark: string }> {
  const dir = join(work, name);
  await mkdir(join(dir, 'node_modules/usb'), { recursive: true });
  const mark = join(work, `${name}.loaded`);
  await writeFile(join(dir, 'node_modules/usb/package.json'), '{"name":"usb","main":"index.js"}');
  await writeFile(
    join(dir, 'node_modules/usb/index.js'),
    `require('fs').writeFileSync(${JSON.stringify(mark)}, 'ran'); module.exports = { getDeviceList: () => [], usb: { on() {}, removeListener() {} } };`,
  );
  await copyFile(BUNDLE, join(dir, 'qfh.mjs'));
  await chmod(dir, mode);
  return { dir, mark };
}

const run = (dir: string) =>
  promisify(execFile)(
    process.execPath,
    [join(dir, 'qfh.mjs'), 'info', '--device', 'usb', '--wait', '0'],
    {
      cwd: dir,
      env: { ...process.env, NODE_PATH: join(dir, 'node_modules') },
    },
  ).then(
    (r) => ({ code: 0, out: r.stdout + r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({
      code: e.code,
      out: e.stdout + e.stderr,
    }),
  );

it('beside the bundle in a folder every account can write (like /tmp), usb is not loaded', async () => {
  const { dir, mark } = await bundleBeside('shared', 0o1777);
  const r = await run(dir);
  expect(existsSync(mark)).toBe(false);
  expect(r.out).toContain('QFH_USB_UNAVAILABLE');
  expect(r.out).toContain(`${dir} is writable by every account`);
  expect(r.out).toMatch(/folder only you can write/);
});

it('beside the bundle in a folder only its owner can write, it is', async () => {
  const { dir, mark } = await bundleBeside('private', 0o700);
  const r = await run(dir);
  expect(existsSync(mark)).toBe(true);
  expect(r.out).not.toContain('QFH_USB_UNAVAILABLE');
});
