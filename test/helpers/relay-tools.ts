/**
 * What the relay test needs from the machine, installed by the test itself as CI starts
 * from a clean Debian: busybox (the router's shell and tools) and socat, from Debian's
 * packages. The relay runs with a PATH holding only busybox's applets and socat, as on
 * OpenWrt. Whether network namespaces can be made here is asked, not assumed.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const has = (cmd: string): Promise<boolean> =>
  run('sh', ['-c', `command -v ${cmd}`]).then(
    () => true,
    () => false,
  );

/** Installs busybox and socat with apt-get when they are missing and this is root. */
export async function ensureRelayTools(): Promise<string | undefined> {
  const missing: string[] = [];
  for (const tool of ['busybox', 'socat']) if (!(await has(tool))) missing.push(tool);
  if (missing.length === 0) return undefined;
  if (process.getuid?.() !== 0 || !(await has('apt-get')))
    return `needs ${missing.join(' and ')} (root can apt-get install them)`;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env });
  await install().catch(async () => {
    await run('apt-get', ['update'], { env });
    await install();
  });
  return undefined;
}

/** Whether this process can make network namespaces (root, and unshare allowed). */
export async function canMakeNamespaces(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'not root';
  return run('unshare', ['-n', 'true']).then(
    () => undefined,
    (e: Error) => `unshare -n fails: ${e.message.split('\n')[0]}`,
  );
}

/** A folder of busybox applet links plus socat: the relay's whole PATH. */
export async function routerPath(): Promise<string> {
  const bin = await mkdtemp(join(tmpdir(), 'qfh-routerbin-'));
  const busybox = (await run('sh', ['-c', 'command -v busybox'])).stdout.trim();
  const applets = (await run(busybox, ['--list'])).stdout.split('\n').filter((a) => a !== '');
  // Debian's dynamically linked busybox leaves itself out of --list; the relay runs `busybox sh`.
  for (const applet of new Set([...applets, 'busybox']))
    await symlink(busybox, join(bin, applet)).catch(() => undefined);
  const socat = (await run('sh', ['-c', 'command -v socat'])).stdout.trim();
  await symlink(socat, join(bin, 'socat'));
  if ((await readdir(bin)).length < 50) throw new Error('busybox lists too few applets');
  return bin;
}
