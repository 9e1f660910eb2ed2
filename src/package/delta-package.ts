/**
 * A DFOTA delta is checked before a byte of it is uploaded. Quectel's DFOTA guides name the
 * delta package `update.zip` (BG96; EP06/EG06/EM06: `http://…/update.zip`), and the module
 * unpacks it only after the upload and the whole update have started: a file that is not a
 * whole, readable zip (random bytes, a cut-off download, a full firmware zip's md5.txt)
 * fails there, or worse. So the delta must open as a zip, hold at least one file, and every
 * file's bytes must match its CRC-32.
 *
 * @module
 */
import { crc32 as portableCrc32 } from '../crc32.js';
import { QfhError } from '../errors.js';
import { openZipArchive, type Crc32 } from './zip-archive.js';

/** The delta is not a package a Quectel module would apply. */
export class DeltaPackageError extends QfhError {
  static override readonly errorName: string = 'DeltaPackageError';
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('QFH_FOTA_NOT_DELTA', message, {
      hint: 'Use the delta package Quectel made for this exact source revision (a .zip, as downloaded; not unpacked), or flash the full firmware with qfh flash.',
      ...options,
    });
  }
}

/** What a checked delta holds. */
export interface DeltaFacts {
  readonly files: number;
  /** Bytes once unpacked. */
  readonly bytes: number;
}

/**
 * Checks `bytes` is a DFOTA delta package: a whole zip whose every entry reads back to its
 * CRC-32. Nothing is sent; nothing is written.
 * @throws DeltaPackageError `QFH_FOTA_NOT_DELTA` saying what is wrong.
 */
export async function checkDeltaPackage(
  bytes: Uint8Array,
  o: { name: string; crc32?: Crc32 },
): Promise<DeltaFacts> {
  const notDelta = (why: string, cause?: unknown): DeltaPackageError =>
    new DeltaPackageError(`${o.name} is not a DFOTA delta package: ${why}`, { cause });
  let files = 0;
  let total = 0;
  try {
    const archive = await openZipArchive(bytes, { path: o.name, crc32: o.crc32 ?? portableCrc32 });
    for (const entry of archive.entries) {
      let crc = 0;
      let read = 0;
      for await (const piece of archive.openStream(entry)) {
        crc = archive.crc32(piece, crc);
        read += piece.length;
      }
      if (read !== entry.size || crc >>> 0 !== entry.crc32 >>> 0)
        throw notDelta(`${entry.name} does not match its CRC-32 (the file is damaged)`);
      files++;
      total += read;
    }
  } catch (e) {
    if (e instanceof DeltaPackageError) throw e;
    if (e instanceof QfhError) throw notDelta(e.message, e);
    throw e;
  }
  if (files === 0) throw notDelta('the zip holds no files');
  return { files, bytes: total };
}
