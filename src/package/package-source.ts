/**
 * Where a firmware package's bytes come from. The reader, the md5 check, the sparse index
 * and the flash itself read through this one interface, so a package in a folder and one
 * inside the zip as downloaded are read the same way, and nothing outside the package is
 * ever read: a symlink that leads out of a folder package is listed as an escape, never
 * followed. The interface is runtime-neutral: a folder on disk (`folder-source.ts`), a zip
 * (`zip-source.ts`) and files held in memory or picked in a browser (`memory-source.ts`)
 * each implement it.
 *
 * @module
 */
import { PackageError } from '../errors.js';
import type { RandomAccessSource } from '../sparse/index-image.js';

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
