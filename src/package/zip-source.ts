/**
 * A firmware package read straight from the zip as downloaded, never extracted (a router's
 * /tmp is RAM). The package root is the folder Quectel zips nest it in (one or two levels,
 * the folders every file shares). Small files (programmer, manifests, partition tables) are
 * inflated whole and CRC-checked once; large ones are read forward: a stored entry by
 * position, a deflated one through a cursor that is kept between reads, so a sparse image's
 * headers and its segments, read in order, cost one inflate pass and not one per chunk.
 *
 * @module
 */
import { PackageError, ZipError } from '../errors.js';
import { basename, dirname } from '../posix-path.js';
import {
  isJunkName,
  type OpenedFile,
  type PackageListing,
  type PackageSource,
} from './package-source.js';
import { resolvePackagePath } from './package-paths.js';
import {
  openZipArchive,
  type ArchiveBytes,
  type Crc32,
  type ZipArchive,
  type ZipEntryInfo,
} from './zip-archive.js';
import { EntryCursor } from './zip-entry-cursor.js';
import { readStoredRange } from './zip-stored.js';

/** Entries up to this size are inflated whole on open (programmers are well under 4 MiB). */
export const SMALL_ENTRY = 4 << 20;
/** After a range, a remainder this small is read too, so the entry's CRC-32 is checked. */
const TAIL = 1 << 20;
/** Folders a Quectel zip nests its package in, at most. */
const MAX_NESTING = 3;

/** Where the zip is, and how its entries are checked. */
export interface ZipSourceOptions {
  /** The zip's path (or the name a page was given): the package's location and messages. */
  readonly location: string;
  /** Default: the portable CRC-32; Node passes zlib's, many times faster. */
  readonly crc32?: Crc32;
}

/**
 * The package inside the zip whose bytes `bytes` reads (a file on Node, a `File` in a page,
 * bytes in memory).
 * @throws ZipError for a damaged or hostile archive (nothing is read from it).
 */
export async function zipSource(
  bytes: ArchiveBytes,
  options: ZipSourceOptions,
): Promise<PackageSource> {
  const { location } = options;
  const archive = await openZipArchive(bytes, { ...options, path: location });
  const root = packageRoot(archive.entries);
  const inRoot = new Map<string, ZipEntryInfo>();
  const ignored: string[] = [];
  for (const entry of archive.entries) {
    if (entry.link) await refuseEscapingLink(archive, entry);
    if (entry.link || entry.name.split('/').some(isJunkName) || !entry.name.startsWith(root))
      ignored.push(entry.name);
    else inRoot.set(entry.name.slice(root.length), entry);
  }
  const listing: PackageListing = {
    files: [...inRoot].map(([p, e]) => ({ path: p, size: e.size })),
    ignored,
    escapes: [],
  };
  const entryOf = (p: string): ZipEntryInfo => {
    const entry = inRoot.get(p);
    if (!entry) throw new PackageError('QFH_PACKAGE_NOT_FOUND', `${p} is not in ${location}`);
    return entry;
  };
  const cursors = new CursorCache(archive);
  return {
    location,
    name:
      root === ''
        ? basename(location.replace(/\\/g, '/')).replace(/\.zip$/i, '')
        : basename(root.slice(0, -1)),
    list: () => Promise.resolve(listing),
    open: (p) => openEntry(archive, entryOf(p)),
    stream: (p, range) => streamEntry(cursors, entryOf(p), range),
  };
}

/**
 * A link entry is never followed (qfh creates no files, so it is only ignored); one whose
 * target leaves the archive is a zip-slip in disguise and refuses the whole zip.
 */
async function refuseEscapingLink(archive: ZipArchive, entry: ZipEntryInfo): Promise<void> {
  if (entry.size > 4096)
    throw new ZipError(
      'QFH_ZIP_CORRUPT',
      `${archive.path}: ${entry.name} is a ${entry.size}-byte link`,
    );
  const file = await openEntry(archive, entry);
  const target = new TextDecoder().decode(await file.read(0, entry.size));
  const dir = dirname(entry.name);
  try {
    resolvePackagePath(dir === '.' ? '' : dir, target);
  } catch {
    throw new ZipError(
      'QFH_ZIP_PATH_ESCAPE',
      `${archive.path}: ${entry.name} is a link to ${target}, outside the archive`,
    );
  }
}

/** The folders every package file shares (a trailing slash), up to {@link MAX_NESTING}. */
function packageRoot(entries: readonly ZipEntryInfo[]): string {
  const names = entries.map((e) => e.name).filter((n) => !n.split('/').some(isJunkName));
  let root = '';
  for (let depth = 0; depth < MAX_NESTING; depth++) {
    const first = names[0]?.slice(root.length).split('/');
    if (!first || first.length < 2) break;
    const next = `${root}${first[0]}/`;
    if (!names.every((n) => n.startsWith(next))) break;
    root = next;
  }
  return root;
}

async function openEntry(archive: ZipArchive, entry: ZipEntryInfo): Promise<OpenedFile> {
  if (entry.size <= SMALL_ENTRY) {
    const cursor = new EntryCursor(archive, entry);
    const bytes = new Uint8Array(entry.size);
    let at = 0;
    for await (const piece of cursor.take(entry.size)) {
      bytes.set(piece, at);
      at += piece.length;
    }
    await cursor.finish();
    return {
      size: entry.size,
      read: (position, length) =>
        Promise.resolve(bytes.subarray(position, Math.min(entry.size, position + length))),
      close: () => Promise.resolve(),
    };
  }
  if (!entry.deflated) {
    const start = await archive.dataStart(entry);
    return {
      size: entry.size,
      read: (position, length) => readStoredRange(archive, { entry, start, position, length }),
      close: () => Promise.resolve(),
    };
  }
  let cursor = new EntryCursor(archive, entry);
  return {
    size: entry.size,
    async read(position, length) {
      if (!cursor.canReach(position)) {
        await cursor.close();
        cursor = new EntryCursor(archive, entry);
      }
      await cursor.skipTo(position);
      const n = Math.max(0, Math.min(length, entry.size - position));
      const out = new Uint8Array(n);
      let at = 0;
      for await (const piece of cursor.take(n)) {
        out.set(piece, at);
        at += piece.length;
      }
      if (cursor.position === entry.size) await cursor.finish();
      return out;
    },
    close: () => cursor.close(),
  };
}

async function* streamEntry(
  cursors: CursorCache,
  entry: ZipEntryInfo,
  range: { start: number; length: number } | undefined,
): AsyncGenerator<Uint8Array> {
  const start = range?.start ?? 0;
  const length = range?.length ?? entry.size - start;
  if (start < 0 || start + length > entry.size)
    throw new ZipError(
      'QFH_ZIP_TRUNCATED',
      `${entry.name} holds ${entry.size} bytes; ${start}+${length} was asked for`,
    );
  if (length === 0) return;
  const cursor = cursors.take(entry, start);
  let keep = false;
  try {
    await cursor.skipTo(start);
    yield* cursor.take(length);
    // A sparse image's last bytes (chunk headers) are never asked for: read them now, so
    // the CRC-32 is checked before the caller moves on (a flash: before its next command).
    if (entry.size - cursor.position <= TAIL) await cursor.readAheadToEnd();
    keep = true;
  } finally {
    if (keep) cursors.put(cursor);
    else await cursor.close();
  }
}

/**
 * One cursor kept per entry between stream calls, so reading an entry's ranges in order
 * inflates it once. Idle cursors are closed after a while, releasing their file stream.
 */
class CursorCache {
  private readonly idle = new Map<
    ZipEntryInfo,
    { cursor: EntryCursor; timer: ReturnType<typeof setTimeout> }
  >();

  constructor(private readonly archive: ZipArchive) {}

  take(entry: ZipEntryInfo, start: number): EntryCursor {
    const kept = this.idle.get(entry);
    this.idle.delete(entry);
    if (kept) clearTimeout(kept.timer);
    if (kept?.cursor.canReach(start)) return kept.cursor;
    void kept?.cursor.close();
    return new EntryCursor(this.archive, entry);
  }

  put(cursor: EntryCursor): void {
    const timer = setTimeout(() => {
      if (this.idle.get(cursor.entry)?.cursor === cursor) this.idle.delete(cursor.entry);
      void cursor.close();
    }, 10_000);
    // On Node, an idle cursor must not keep the process alive; other runtimes have no unref.
    (timer as { unref?: () => void }).unref?.();
    const previous = this.idle.get(cursor.entry);
    if (previous) {
      clearTimeout(previous.timer);
      void previous.cursor.close();
    }
    this.idle.set(cursor.entry, { cursor, timer });
  }
}
