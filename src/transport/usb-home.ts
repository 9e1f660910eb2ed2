/**
 * Where the native `usb` package may be loaded from: qfh's own install only. That is the
 * `node_modules` of qfh's package (the folder whose package.json is qfh's; for the one-file
 * bundle, the bundle's folder) and, when qfh is itself inside a `node_modules` (npm hoists
 * dependencies there), that folder. Every folder from the package up to that home must be
 * owned by root, the user qfh runs as, or the owner of qfh's own file, and not writable by
 * other accounts: the bundle run from /tmp (world-writable) never loads /tmp/node_modules.
 *
 * @module
 */
import { lstat, readFile, realpath } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';

/** usb was found, but where another account could have put it. */
export class UntrustedUsbError extends Error {}

/** The folder of the package.json named qfh above `file`, else `file`'s own folder. */
async function qfhHome(file: string): Promise<string> {
  for (let at = dirname(file); ; at = dirname(at)) {
    const name = await readFile(join(at, 'package.json'), 'utf8').then(
      (t) => (JSON.parse(t) as { name?: unknown }).name,
      () => undefined,
    );
    if (name === 'qfh') return at;
    if (dirname(at) === at) return dirname(file);
  }
}

/** Checks `dir` and each folder above it up to `top` (inclusive). */
async function checkChain(dir: string, top: string, owners: ReadonlySet<number>): Promise<void> {
  for (let at = dir; ; at = dirname(at)) {
    const s = await lstat(at);
    if (!owners.has(s.uid) || (s.mode & 0o002) !== 0)
      throw new UntrustedUsbError(
        `usb was found at ${dir}, but ${at} is ${(s.mode & 0o002) !== 0 ? 'writable by every account' : `owned by another account (uid ${s.uid})`}; qfh runs as root and does not load code from there`,
      );
    if (at === top || dirname(at) === at) return;
  }
}

/**
 * The folder of the `usb` package qfh may load, for a qfh module at `moduleFile`;
 * `undefined` when qfh's install holds none.
 * @throws UntrustedUsbError when the one found sits where other accounts can write.
 */
export async function findOwnUsb(moduleFile: string): Promise<string | undefined> {
  const home = await realpath(await qfhHome(moduleFile));
  const up = dirname(home);
  const candidates = [
    { dir: join(home, 'node_modules', 'usb'), top: home },
    ...(basename(up) === 'node_modules' ? [{ dir: join(up, 'usb'), top: up }] : []),
  ];
  for (const c of candidates) {
    const real = await realpath(c.dir).catch(() => undefined);
    if (real === undefined) continue;
    // Windows has no owners and modes to check in this form.
    if (process.platform === 'win32') return real;
    // A link (pnpm, npm link) may point anywhere: its target is checked up to the home when
    // it stays inside it, and up to the root otherwise.
    const inside = !relative(c.top, real).startsWith('..');
    const owners = new Set([0, process.getuid?.() ?? 0, (await lstat(moduleFile)).uid]);
    await checkChain(real, inside ? c.top : '/', owners);
    return real;
  }
  return undefined;
}
