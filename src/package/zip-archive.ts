/**
 * A zip archive as qfh reads it, through `yauzl` (spec-following: the central directory is
 * the truth, local headers are never scanned for). Every entry is checked before any byte
 * of it is used: names that leave the archive (zip-slip) and links, encryption, compression
 * other than stored and deflate, sizes no deflate stream can reach (a zip bomb's ratio),
 * entries whose data overlap (the non-recursive zip bomb), data past the end of the file
 * (a cut download). Reads open the file by path for each stream, so no descriptor is held
 * between reads.
 *
 * @module
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type yauzl from 'yauzl';
import { PackageError, ZipError, type ZipCode } from '../errors.js';
import { requireYauzl } from './require-yauzl.js';

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
  /** A symbolic link (Unix mode in the external attributes). */
  readonly link: boolean;
}

/** An opened archive. */
export interface ZipArchive {
  readonly path: string;
  readonly fileSize: number;
  readonly entries: readonly ZipEntryInfo[];
  /** Where an entry's data start in the file (its local header read once). */
  dataStart(entry: ZipEntryInfo): Promise<number>;
  /** The entry's bytes, inflated when deflated, sizes checked by yauzl as they pass. */
  openStream(entry: ZipEntryInfo): Promise<Readable>;
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

/** yauzl, and the reader it reads archives through. */
interface Loaded {
  readonly yauzl: typeof yauzl;
  readonly PathReader: new (path: string) => yauzl.RandomAccessReader;
}

/** yauzl, loaded by the first archive opened: a folder package never needs it. */
let loaded: Loaded | undefined;

function loadYauzl(): Loaded {
  if (!loaded) {
    const lib = requireYauzl();
    /** yauzl reads through this: one fresh file stream per range. */
    class PathReader extends lib.RandomAccessReader {
      constructor(private readonly path: string) {
        super();
      }

      override _readStreamForRange(start: number, end: number): Readable {
        if (end <= start) return Readable.from([]);
        return createReadStream(this.path, { start, end: end - 1, highWaterMark: 64 * 1024 });
      }
    }
    loaded = { yauzl: lib, PathReader };
  }
  return loaded;
}

/** A yauzl or zlib error as one of qfh's zip errors. */
export function zipErrorOf(e: unknown, where: string): ZipError {
  if (e instanceof ZipError) return e;
  const message = e instanceof Error ? e.message : String(e);
  const zlibCode = (e as { code?: unknown }).code;
  const rules: readonly [RegExp, ZipCode][] = [
    [/invalid relative path|absolute path|invalid characters in fileName/, 'QFH_ZIP_PATH_ESCAPE'],
    [/too many bytes in the stream/, 'QFH_ZIP_BOMB'],
    [/encrypt/, 'QFH_ZIP_ENCRYPTED'],
    [/unsupported compression method/, 'QFH_ZIP_UNSUPPORTED'],
    [
      /signature not found|unexpected EOF|overflows file bounds|not enough bytes|unexpected end of file/,
      'QFH_ZIP_TRUNCATED',
    ],
  ];
  const code =
    rules.find(([pattern]) => pattern.test(message))?.[1] ??
    (zlibCode === 'Z_BUF_ERROR' ? 'QFH_ZIP_TRUNCATED' : 'QFH_ZIP_CORRUPT');
  return new ZipError(code, `${where}: ${message}`, { cause: e });
}

/**
 * Opens the archive at `path` and reads its central directory.
 * @throws ZipError for a damaged or hostile archive; PackageError when it cannot be read.
 */
export async function openZipArchive(path: string): Promise<ZipArchive> {
  const info = await stat(path).catch((e: unknown) => {
    throw new PackageError(
      'QFH_PACKAGE_NOT_FOUND',
      `cannot read ${path}: ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  });
  const { yauzl: lib, PathReader } = loadYauzl();
  let zip: yauzl.ZipFile;
  const entries: ZipEntryInfo[] = [];
  const rawEntries = new Map<ZipEntryInfo, yauzl.Entry>();
  try {
    zip = await lib.fromRandomAccessReaderPromise(new PathReader(path), info.size, {
      autoClose: false,
      decodeStrings: true,
      validateEntrySizes: true,
      strictFileNames: false,
    });
    if (zip.entryCount > MAX_ENTRIES)
      throw new ZipError(
        'QFH_ZIP_BOMB',
        `${path} declares ${zip.entryCount} entries; firmware zips hold a few hundred (qfh reads at most ${MAX_ENTRIES})`,
      );
    for await (const entry of zip.eachEntry()) {
      if (entry.fileName.endsWith('/')) continue;
      const checked = checkedEntry(entry, path);
      entries.push(checked);
      rawEntries.set(checked, entry);
    }
  } catch (e) {
    throw zipErrorOf(e, path);
  }
  checkLayout(entries, { path, fileSize: info.size });
  const starts = new Map<ZipEntryInfo, Promise<number>>();
  const raw = (entry: ZipEntryInfo): yauzl.Entry => {
    const found = rawEntries.get(entry);
    if (!found) throw new Error(`${entry.name} is not an entry of ${path}`);
    return found;
  };
  const dataStart = (entry: ZipEntryInfo): Promise<number> => {
    let start = starts.get(entry);
    if (!start) {
      start = zip
        .readLocalFileHeaderPromise(raw(entry), { minimal: true })
        .then((h) => h.fileDataStart)
        .catch((e: unknown) => {
          starts.delete(entry);
          throw zipErrorOf(e, `${path}: ${entry.name}`);
        });
      starts.set(entry, start);
    }
    return start;
  };
  return {
    path,
    fileSize: info.size,
    entries,
    dataStart,
    openStream: async (entry) => {
      const at = await dataStart(entry);
      // yauzl 3.4.0's openReadStreamLowLevelPromise calls the wrong method: the callback form.
      return new Promise<Readable>((resolve, reject) => {
        zip.openReadStreamLowLevel(
          at,
          entry.compressedSize,
          0,
          entry.compressedSize,
          entry.deflated,
          entry.size,
          (e, stream) => (e ? reject(zipErrorOf(e, `${path}: ${entry.name}`)) : resolve(stream)),
        );
      });
    },
  };
}

function checkedEntry(entry: yauzl.Entry, path: string): ZipEntryInfo {
  const where = `${path}: ${entry.fileName}`;
  if (entry.isEncrypted())
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
  return {
    name: entry.fileName,
    size: entry.uncompressedSize,
    compressedSize: entry.compressedSize,
    crc32: entry.crc32,
    deflated: entry.compressionMethod === 8,
    offset: entry.relativeOffsetOfLocalHeader,
    link: ((entry.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK,
  };
}

/** Entries must not share bytes, nor run past the end of the file, nor repeat a name. */
function checkLayout(
  entries: readonly ZipEntryInfo[],
  c: { path: string; fileSize: number },
): void {
  const names = new Set<string>();
  for (const e of entries) {
    if (names.has(e.name))
      throw new ZipError('QFH_ZIP_CORRUPT', `${c.path} holds two entries named ${e.name}`);
    names.add(e.name);
  }
  const sorted = [...entries].sort((a, b) => a.offset - b.offset);
  for (const [i, e] of sorted.entries()) {
    const next = sorted[i + 1];
    // 30 bytes of local header plus the name, at least: the data cannot start earlier.
    const end = e.offset + 30 + Buffer.byteLength(e.name) + e.compressedSize;
    if (next && end > next.offset)
      throw new ZipError(
        'QFH_ZIP_BOMB',
        `${c.path}: ${e.name} and ${next.name} share compressed bytes (overlapping entries, a zip bomb's trick)`,
      );
    if (end > c.fileSize)
      throw new ZipError(
        'QFH_ZIP_TRUNCATED',
        `${c.path}: ${e.name} runs past the end of the file (${end} > ${c.fileSize} bytes)`,
      );
  }
}
