/**
 * A package whose files are already at hand as byte sources: files a browser page was
 * given (`File` and `Blob` slices are random access), bytes a tool fetched, or a test's
 * fixtures. Runtime-neutral: no file system, no `Buffer`.
 *
 * @module
 */
import { PackageError } from '../errors.js';
import { normalize } from '../posix-path.js';
import {
  isJunkName,
  type OpenedFile,
  type PackageEntry,
  type PackageSource,
} from './package-source.js';

/** One file: its bytes, or anything that reads ranges of them (a `Blob` wrapped). */
export type MemoryFile =
  | Uint8Array
  | { readonly size: number; read(position: number, length: number): Promise<Uint8Array> };

/** Pieces a stream yields at most (so a consumer's memory stays bounded). */
const PIECE = 1 << 20;

/**
 * A package named `name` holding `files`, by package-relative path with forward slashes.
 * @throws PackageError for a path that is absolute or climbs out of the package.
 */
export function memorySource(
  name: string,
  files: ReadonlyMap<string, MemoryFile> | Record<string, MemoryFile>,
): PackageSource {
  // Duck-typed, not instanceof: a Map or Uint8Array made in another realm (an iframe, a
  // worker's structured clone, a vm context) is not an instance of this realm's classes.
  const given = new Map(isMap(files) ? files : Object.entries(files));
  const all = new Map<string, MemoryFile>();
  for (const [key, file] of given) {
    // Names as the reader asks for them: forward slashes, no `.` segments.
    const path = normalize(key.replace(/\\/g, '/'));
    if (path.startsWith('/') || path === '..' || path.startsWith('../') || /^[A-Za-z]:/.test(path))
      throw new PackageError('QFH_PACKAGE_PATH_ESCAPE', `${key} is not a path inside a package`);
    all.set(path, file);
  }
  const sorted = [...all.keys()].sort();
  const entries: PackageEntry[] = [];
  const ignored: string[] = [];
  for (const path of sorted) {
    if (path.split('/').some(isJunkName)) ignored.push(path);
    else entries.push({ path, size: sizeOf(all.get(path)) });
  }
  const get = (path: string): MemoryFile => {
    const file = all.get(path);
    if (file === undefined)
      throw new PackageError('QFH_PACKAGE_NOT_FOUND', `${path} is not in the package`);
    return file;
  };
  return {
    location: name,
    name,
    list: () => Promise.resolve({ files: entries, ignored, escapes: [] }),
    open: (path) => Promise.resolve(openMemoryFile(get(path))),
    stream: (path, range) => streamOf(get(path), range),
  };
}

function isMap<K, V>(x: ReadonlyMap<K, V> | object): x is ReadonlyMap<K, V> {
  return typeof (x as Map<K, V>).get === 'function' && typeof (x as Map<K, V>).keys === 'function';
}

const isBytes = (file: MemoryFile): file is Uint8Array => ArrayBuffer.isView(file);

function sizeOf(file: MemoryFile | undefined): number {
  return file === undefined ? 0 : isBytes(file) ? file.byteLength : file.size;
}

/** Random access to one file's bytes, whatever holds them; a short read is an error. */
export function openMemoryFile(file: MemoryFile): OpenedFile {
  const size = sizeOf(file);
  const read = (position: number, length: number): Promise<Uint8Array> => {
    const start = Math.max(0, Math.min(position, size));
    const end = Math.max(start, Math.min(size, position + length));
    if (isBytes(file)) return Promise.resolve(new Uint8Array(file.subarray(start, end)));
    return file.read(start, end - start).then((bytes) => {
      if (bytes.length !== end - start)
        throw new PackageError(
          'QFH_PACKAGE_NOT_FOUND',
          `a package file gave ${bytes.length} bytes at ${start} where it has ${end - start}: it changed or could not be read`,
        );
      return bytes;
    });
  };
  return { size, read, close: () => Promise.resolve() };
}

async function* streamOf(
  file: MemoryFile,
  range: { start: number; length: number } | undefined,
): AsyncGenerator<Uint8Array> {
  const { read, size } = openMemoryFile(file);
  const start = range?.start ?? 0;
  const end = Math.min(size, range ? start + range.length : size);
  for (let at = start; at < end; at += PIECE) yield await read(at, Math.min(PIECE, end - at));
}
