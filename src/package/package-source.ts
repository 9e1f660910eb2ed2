/**
 * Where a firmware package's bytes come from. The reader, the md5 check, the sparse index
 * and the flash itself read through this one interface, so a package in a folder and one
 * inside the zip as downloaded are read the same way, and nothing outside the package is
 * ever read: a symlink that leads out of a folder package is listed as an escape, never
 * followed.
 *
 * @module
 */
import { createReadStream } from 'node:fs';
import { lstat, open, readdir, realpath, stat } from 'node:fs/promises';
import { basename, join, posix } from 'node:path';
import { PackageError } from '../errors.js';
import { readsAt } from '../sparse/file-source.js';
import type { RandomAccessSource } from '../sparse/index-image.js';
import { isInside } from './package-paths.js';

/** One file of the package. */
export interface PackageEntry {
  /** Package-relative path, forward slashes. */
  readonly path: string;
  readonly size: number;
}

/** What a package holds. */
export interface PackageListing {
  readonly files: readonly PackageEntry[];
  /** Resource forks and Finder files that were skipped. */
  readonly ignored: readonly string[];
  /** Links that lead outside the package (never followed). */
  readonly escapes: readonly { readonly path: string; readonly target: string }[];
}

/** Random access to one package file. */
export type OpenedFile = RandomAccessSource & {
  close(): Promise<void>;
  /**
   * Reads up to `target.length` bytes at `position` into `target` (fewer only at the end),
   * where the source can without allocating (a folder's files; a zip's are streamed).
   */
  readInto?(position: number, target: Uint8Array): Promise<number>;
};

/** Read access to a package's files. */
export interface PackageSource {
  /** Absolute path of the folder or archive. */
  readonly location: string;
  /** The package's name (its folder's name), which often carries the firmware identity. */
  readonly name: string;
  list(): Promise<PackageListing>;
  /** Random access to a file. */
  open(path: string): Promise<OpenedFile>;
  /** The bytes of `[start, start + length)` of a file, in pieces. */
  stream(path: string, range?: { start: number; length: number }): AsyncIterable<Uint8Array>;
}

/** Resource forks, Finder files and VCS folders: never part of a package. */
export const isJunkName = (name: string): boolean =>
  name.startsWith('._') || name === '.DS_Store' || name === '__MACOSX' || name === '.git';

/** How deep the folder walk goes. */
const MAX_DEPTH = 6;

/** The whole of a (small) file, refusing one larger than `maxBytes`. */
export async function readWhole(
  source: PackageSource,
  path: string,
  maxBytes: number,
): Promise<Uint8Array> {
  const file = await source.open(path);
  try {
    if (file.size > maxBytes)
      throw new PackageError(
        'QFH_PACKAGE_XML',
        `${path} is ${file.size} bytes; qfh reads such files whole and allows at most ${maxBytes}`,
      );
    return await file.read(0, file.size);
  } finally {
    await file.close();
  }
}

/** The first `n` bytes of a file (fewer if it is shorter). */
export async function readStart(
  source: PackageSource,
  path: string,
  n: number,
): Promise<Uint8Array> {
  const file = await source.open(path);
  try {
    return await file.read(0, Math.min(n, file.size));
  } finally {
    await file.close();
  }
}

/**
 * A package in a folder.
 * @throws PackageError when `root` is not a readable folder.
 */
export async function folderSource(root: string): Promise<PackageSource> {
  const info = await stat(root).catch((e: unknown) => {
    throw new PackageError(
      'QFH_PACKAGE_NOT_FOUND',
      `cannot read ${root}: ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  });
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
