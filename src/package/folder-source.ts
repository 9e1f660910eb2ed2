/**
 * A package in a folder on this machine (Node): listed by walking it, read with file
 * handles, and never read outside itself: a symlink that leads out is listed as an escape,
 * and every open checks again where the path really leads.
 *
 * @module
 */
import { createReadStream } from 'node:fs';
import { lstat, open, readdir, realpath, stat } from 'node:fs/promises';
import { basename, isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import { statPackagePath } from './stat-package.js';
import { PackageError } from '../errors.js';
import { readsAt } from '../sparse/file-source.js';
import {
  isJunkName,
  type OpenedFile,
  type PackageEntry,
  type PackageListing,
  type PackageSource,
} from './package-source.js';

/** How deep the folder walk goes. */
const MAX_DEPTH = 6;

/** Whether absolute `path` lies inside absolute `root` (after symlinks are resolved by the caller). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(resolve(root), resolve(path));
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * A package in a folder.
 * @throws PackageError when `root` is not a readable folder.
 */
export async function folderSource(root: string): Promise<PackageSource> {
  const info = await statPackagePath(root);
  if (!info.isDirectory())
    throw new PackageError('QFH_PACKAGE_NOT_FOUND', `${root} is not a folder`);
  const location = await realpath(root);
  // Checked at every open too: a file swapped for a link after the listing is not followed.
  const inside = async (path: string): Promise<string> => {
    const absolute = await realpath(join(location, ...path.split('/')));
    if (!isInside(location, absolute))
      throw new PackageError(
        'QFH_PACKAGE_PATH_ESCAPE',
        `${path} leads to ${absolute}, outside the package; qfh never reads files outside it`,
      );
    return absolute;
  };
  return {
    location,
    name: basename(location),
    list: () => listFolder(location),
    open: async (path) => openFile(await inside(path)),
    stream: (path, range) => streamFile(() => inside(path), range),
  };
}

async function openFile(absolute: string): Promise<OpenedFile> {
  const handle = await open(absolute, 'r');
  const { size } = await handle.stat();
  return {
    ...readsAt(handle, size),
    async readInto(position, target) {
      const { bytesRead } = await handle.read(target, 0, target.length, position);
      return bytesRead;
    },
  };
}

async function* streamFile(
  resolve: () => Promise<string>,
  range: { start: number; length: number } | undefined,
): AsyncGenerator<Uint8Array> {
  const absolute = await resolve();
  if (range?.length === 0) return;
  const options = range ? { start: range.start, end: range.start + range.length - 1 } : {};
  for await (const chunk of createReadStream(absolute, { highWaterMark: 1 << 20, ...options }))
    yield chunk as Buffer;
}

async function listFolder(root: string): Promise<PackageListing> {
  const files: PackageEntry[] = [];
  const ignored: string[] = [];
  const escapes: { path: string; target: string }[] = [];
  async function walk(dir: string, depth: number): Promise<void> {
    const entries = await readdir(join(root, dir), { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const rel = dir === '' ? entry.name : posix.join(dir, entry.name);
      if (isJunkName(entry.name)) ignored.push(rel);
      else if (entry.isSymbolicLink()) {
        const target = await realpath(join(root, rel)).catch(() => undefined);
        if (target === undefined) continue; // a dangling link: not a file
        if (!isInside(root, target)) escapes.push({ path: rel, target });
        else if ((await stat(target)).isFile())
          files.push({ path: rel, size: await sizeOf(target) });
      } else if (entry.isDirectory()) {
        if (depth < MAX_DEPTH) await walk(rel, depth + 1);
      } else if (entry.isFile()) files.push({ path: rel, size: await sizeOf(join(root, rel)) });
    }
  }
  await walk('', 0);
  return { files, ignored, escapes };
}

const sizeOf = async (absolute: string): Promise<number> => (await lstat(absolute)).size;
