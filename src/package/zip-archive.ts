/**
 * A zip archive as qfh reads it, through zip.js (spec-following: the central directory is
 * the truth, local headers are never scanned for), on any JavaScript runtime: the archive's
 * bytes come through a random-access reader (a file on Node, a `File` in a browser page,
 * bytes in memory) and deflate runs on the runtime's own `DecompressionStream`. Every entry
 * is checked before any byte of it is used: names that leave the archive (zip-slip) and
 * links, encryption, compression other than stored and deflate, sizes no deflate stream can
 * reach (a zip bomb's ratio), entries whose data overlap (the non-recursive zip bomb), data
 * past the end of the file (a cut download).
 *
 * @module
 */
import type { Entry, FileEntry } from '@zip.js/zip.js';
import { crc32 as portableCrc32 } from '../crc32.js';
import { ZipError } from '../errors.js';
import { openMemoryFile, type MemoryFile } from './memory-source.js';
import type { OpenedFile } from './package-source.js';
import { zipErrorOf } from './zip-errors.js';
import { checkLayout, localDataStart } from './zip-layout.js';
import { loadZipJs, type ZipJs } from './zip-js.js';

/** The archive's own bytes, read by range: a file on disk, a browser `File`, a buffer. */
export type ArchiveBytes = MemoryFile;

/** zlib/IEEE CRC-32 of `data`, continuing from `previous`. */
export type Crc32 = (data: Uint8Array, previous?: number) => number;

/** How to open an archive. */
export interface ZipArchiveOptions {
  /** Where the archive is, for messages (its path, or the name a page was given). */
  readonly path: string;
  /** Default: the portable CRC-32 (`src/crc32.ts`); Node passes zlib's. */
  readonly crc32?: Crc32;
}

/** One file entry of the archive. */
export interface ZipEntryInfo {
  /** Name in the archive, forward slashes. */
  readonly name: string;
  readonly size: number;
  readonly compressedSize: number;
  readonly crc32: number;
  readonly deflated: boolean;
  /** Offset of the local header. */
  readonly offset: number;
  /** Length of the name as stored (the local header holds it again before the data). */
  readonly nameBytes: number;
  /** A symbolic link (Unix mode in the external attributes). */
  readonly link: boolean;
}

/** An opened archive. */
export interface ZipArchive {
  /** Where the archive is, for messages (its path, or the name a page was given). */
  readonly path: string;
  readonly fileSize: number;
  readonly entries: readonly ZipEntryInfo[];
  /** Where an entry's data start in the archive (its local header read once). */
  dataStart(entry: ZipEntryInfo): Promise<number>;
  /** The CRC-32 every entry's bytes are checked with (native on Node, portable elsewhere). */
  readonly crc32: Crc32;
  /** Bytes of the archive itself (a stored entry's data are read from here by position). */
  read(position: number, length: number): Promise<Uint8Array>;
  /**
   * The entry's bytes, inflated when deflated, in pieces. Stopping early (`return()` on the
   * iterator) stops the inflater and releases its buffers.
   */
  openStream(entry: ZipEntryInfo): AsyncIterable<Uint8Array>;
}

/**
 * Deflate cannot do better than about 1032:1 (a 2-bit code per 258-byte match), so an entry
 * that claims more is lying about its size; the margin covers rounding on tiny entries.
 */
export const MAX_DEFLATE_RATIO = 1100;
/** More entries than any firmware zip has (real ones hold tens to hundreds). */
export const MAX_ENTRIES = 65536;

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

/**
 * Opens the archive whose bytes `bytes` reads and reads its central directory.
 * @throws ZipError for a damaged or hostile archive.
 */
export async function openZipArchive(
  bytes: ArchiveBytes,
  options: ZipArchiveOptions,
): Promise<ZipArchive> {
  const { path } = options;
  const zipJs = await loadZipJs();
  const file = openMemoryFile(bytes);
  const raw = new Map<ZipEntryInfo, FileEntry>();
  const entries: ZipEntryInfo[] = [];
  try {
    const reader = new zipJs.ZipReader(readerOf(zipJs, file), {
      filenameEncoding: 'utf-8',
      // The local header must agree with the central directory (name included): an archive
      // that reads one way to qfh and another to unzip is refused, not guessed at.
      strictness: 'strict',
      // Names that leave the archive are refused ("balanced"); `./FW/…` (bsdtar, Windows
      // tar -a) is not, and checkedName() folds its `.` segments away.
      filenameValidation: 'balanced',
    });
    let count = 0;
    for await (const entry of reader.getEntriesGenerator()) {
      if (++count > MAX_ENTRIES)
        throw new ZipError(
          'QFH_ZIP_BOMB',
          `${path} holds more than ${MAX_ENTRIES} entries; firmware zips hold a few hundred`,
        );
      if (entry.directory) continue;
      const checked = checkedEntry(entry, path);
      entries.push(checked);
      raw.set(checked, entry);
    }
  } catch (e) {
    throw zipErrorOf(e, path);
  }
  checkLayout(entries, { path, fileSize: file.size });
  // Every entry's local header and data descriptor against its central record, before any
  // entry is used: a stored entry read by position never passes through zip.js otherwise.
  for (const [entry, found] of raw)
    await found
      .getData(new WritableStream(), { checkOverlappingEntryOnly: true })
      .catch((e: unknown) => {
        throw zipErrorOf(e, `${path}: ${entry.name}`);
      });
  const starts = new Map<ZipEntryInfo, Promise<number>>();
  const dataStart = (entry: ZipEntryInfo): Promise<number> => {
    let start = starts.get(entry);
    if (!start) {
      start = localDataStart(file, entry, path).catch((e: unknown) => {
        starts.delete(entry);
        throw zipErrorOf(e, `${path}: ${entry.name}`);
      });
      starts.set(entry, start);
    }
    return start;
  };
  const archive = {
    path,
    fileSize: file.size,
    entries,
    crc32: options.crc32 ?? portableCrc32,
    read: (position: number, length: number) => file.read(position, length),
    dataStart,
  };
  return {
    ...archive,
    openStream: (entry) => {
      if (!raw.has(entry)) throw new Error(`${entry.name} is not an entry of ${path}`);
      return inflated({ archive, entry, where: `${path}: ${entry.name}` });
    },
  };
}

/** zip.js's reader over `bytes`: zip.js asks for ranges, `bytes` answers them. */
function readerOf(zipJs: ZipJs, file: OpenedFile): InstanceType<ZipJs['Reader']> {
  class RangeReader extends zipJs.Reader<OpenedFile> {
    override size = file.size;
    override readUint8Array(index: number, length: number): Promise<Uint8Array> {
      return file.read(index, length);
    }
  }
  return new RangeReader(file);
}

/** How much of the archive is read at a time for an entry's stream. */
const PIECE = 256 * 1024;

/**
 * The entry's content (its local header was checked against the central directory when the
 * archive was opened). qfh reads the stored bytes itself, a piece at a time, and inflates
 * them with the runtime's own `DecompressionStream` (zlib on Node): zip.js's own read
 * pipeline runs ahead of its consumer (a 256 MiB entry held over 200 MiB of memory), this
 * one holds a piece and the inflater's window. qfh sees every byte produced, so
 * src/package/zip-entry-cursor.ts tells an entry that inflates past its stated size (a bomb)
 * from one that ends short, and checks the CRC-32 before the caller sees the end.
 */
async function* inflated(c: {
  archive: Omit<ZipArchive, 'openStream'>;
  entry: ZipEntryInfo;
  where: string;
}): AsyncGenerator<Uint8Array> {
  const { archive, entry, where } = c;
  if (entry.deflated && typeof DecompressionStream === 'undefined')
    throw new ZipError(
      'QFH_ZIP_UNSUPPORTED',
      `${where} is deflated, and this JavaScript runtime has no DecompressionStream to inflate it: use Node 20 or later, or a current browser`,
    );
  const start = await archive.dataStart(entry);
  async function* stored(): AsyncGenerator<Uint8Array> {
    for (let at = 0; at < entry.compressedSize; at += PIECE)
      yield await archive.read(start + at, Math.min(PIECE, entry.compressedSize - at));
  }
  if (!entry.deflated) return yield* stored();
  const inflater = new DecompressionStream('deflate-raw');
  const writer = inflater.writable.getWriter();
  const feeding = (async () => {
    try {
      for await (const piece of stored()) {
        await writer.ready;
        await writer.write(piece);
      }
      await writer.close();
    } catch (e) {
      await writer.abort(e).catch(() => undefined);
    }
  })();
  const reader = inflater.readable.getReader();
  let finished = false;
  try {
    for (;;) {
      const next = await reader.read();
      if (next.done) break;
      yield next.value;
    }
    finished = true;
  } catch (e) {
    throw zipErrorOf(e, where);
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
    await feeding;
  }
}

function checkedEntry(entry: Entry, path: string): ZipEntryInfo {
  const name = checkedName(entry.filename, path);
  const where = `${path}: ${name}`;
  if (entry.encrypted)
    throw new ZipError('QFH_ZIP_ENCRYPTED', `${where} is encrypted; qfh does not decrypt archives`);
  if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8)
    throw new ZipError(
      'QFH_ZIP_UNSUPPORTED',
      `${where} is compressed with method ${entry.compressionMethod}; qfh reads stored (0) and deflate (8) entries`,
    );
  if (
    entry.compressionMethod === 8 &&
    entry.uncompressedSize > MAX_DEFLATE_RATIO * Math.max(entry.compressedSize, 1)
  )
    throw new ZipError(
      'QFH_ZIP_BOMB',
      `${where} claims ${entry.uncompressedSize} bytes from ${entry.compressedSize} compressed: more than deflate can reach (${MAX_DEFLATE_RATIO}:1)`,
    );
  if (entry.compressionMethod === 0 && entry.uncompressedSize !== entry.compressedSize)
    throw new ZipError(
      'QFH_ZIP_CORRUPT',
      `${where} is stored, yet claims ${entry.uncompressedSize} bytes from ${entry.compressedSize}`,
    );
  return {
    name,
    size: entry.uncompressedSize,
    compressedSize: entry.compressedSize,
    crc32: entry.crc32 ?? 0,
    deflated: entry.compressionMethod === 8,
    offset: entry.offset,
    nameBytes: entry.rawFilename.length,
    link: ((entry.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK,
  };
}

/** An entry name qfh can use: relative, inside the archive, forward slashes, no `.` segments. */
function checkedName(name: string, path: string): string {
  const slashed = name.replace(/\\/g, '/');
  if (
    slashed.startsWith('/') ||
    /^[A-Za-z]:/.test(slashed) ||
    slashed.split('/').includes('..') ||
    slashed.includes('\0')
  )
    throw new ZipError(
      'QFH_ZIP_PATH_ESCAPE',
      `${path}: the entry "${name}" is named outside the archive (zip-slip)`,
    );
  return slashed
    .split('/')
    .filter((part, i, all) => part !== '.' && (part !== '' || i === all.length - 1))
    .join('/');
}
