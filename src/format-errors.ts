/**
 * Errors of the pure codecs and readers: bytes or text that are not what they claim to be
 * (Sahara packets, Firehose XML, sparse images, expressions, partition tables, packages).
 *
 * @module
 */
import { QfhError, type QfhErrorOptions } from './qfh-error.js';

/** Codes of {@link SaharaPacketError}. */
export type SaharaPacketCode =
  'QFH_SAHARA_TRUNCATED' | 'QFH_SAHARA_BAD_LENGTH' | 'QFH_SAHARA_UNKNOWN_COMMAND';

/** A Sahara packet that cannot be decoded (short, wrong length field, unknown command). */
export class SaharaPacketError extends QfhError {
  static override readonly errorName: string = 'SaharaPacketError';
  constructor(code: SaharaPacketCode, message: string, options: QfhErrorOptions = {}) {
    super(code, message, {
      hint: 'The device sent bytes that are not a Sahara packet. Replug the modem (or power-cycle it) so it restarts Sahara, then try again.',
      ...options,
    });
  }
}

/** Codes of {@link FirehoseXmlError}. */
export type FirehoseXmlCode =
  | 'QFH_FIREHOSE_XML_MALFORMED'
  | 'QFH_FIREHOSE_XML_NO_DATA'
  | 'QFH_FIREHOSE_XML_TOO_LARGE'
  | 'QFH_FIREHOSE_BAD_ATTRIBUTE';

/** A Firehose XML document that cannot be built or parsed. */
export class FirehoseXmlError extends QfhError {
  static override readonly errorName: string = 'FirehoseXmlError';
  constructor(code: FirehoseXmlCode, message: string, options: QfhErrorOptions = {}) {
    super(code, message, {
      hint: 'The programmer and qfh are out of step. Power-cycle the modem so it returns to EDL (9008) and start again.',
      ...options,
    });
  }
}

/** Codes of {@link SparseFormatError}. */
export type SparseFormatCode =
  | 'QFH_SPARSE_BAD_MAGIC'
  | 'QFH_SPARSE_BAD_VERSION'
  | 'QFH_SPARSE_BAD_HEADER'
  | 'QFH_SPARSE_BAD_CHUNK'
  | 'QFH_SPARSE_TRUNCATED'
  | 'QFH_SPARSE_BLOCK_COUNT'
  | 'QFH_SPARSE_CRC_MISMATCH'
  | 'QFH_SPARSE_TRAILING_DATA'
  | 'QFH_SPARSE_TOO_MANY_CHUNKS';

/** An Android sparse image that is malformed, truncated or inconsistent. */
export class SparseFormatError extends QfhError {
  static override readonly errorName: string = 'SparseFormatError';
  constructor(code: SparseFormatCode, message: string, options: QfhErrorOptions = {}) {
    super(code, message, {
      hint: 'The sparse image is damaged or was not made by img2simg/libsparse. Re-download the firmware package and check its md5.txt.',
      ...options,
    });
  }
}

/** Codes of {@link ExpressionError}. */
export type ExpressionCode =
  'QFH_EXPRESSION_SYNTAX' | 'QFH_EXPRESSION_UNKNOWN_NAME' | 'QFH_EXPRESSION_RANGE';

/** A rawprogram/patch expression (`NUM_DISK_SECTORS-33.`, `CRC32(2,4096)`) that cannot be evaluated. */
export class ExpressionError extends QfhError {
  static override readonly errorName: string = 'ExpressionError';
  constructor(code: ExpressionCode, message: string, options: QfhErrorOptions = {}) {
    super(code, message, {
      hint: 'The package XML holds an expression qfh does not understand. Check the file is the one the vendor shipped.',
      ...options,
    });
  }
}

/** Codes of {@link PartitionTableError}. */
export type PartitionTableCode =
  | 'QFH_MIBIB_BAD_MAGIC'
  | 'QFH_MIBIB_TRUNCATED'
  | 'QFH_GPT_BAD_SIGNATURE'
  | 'QFH_GPT_TRUNCATED'
  | 'QFH_GPT_BAD_HEADER';

/** A NAND MIBIB or GPT partition table that cannot be read. */
export class PartitionTableError extends QfhError {
  static override readonly errorName: string = 'PartitionTableError';
  constructor(code: PartitionTableCode, message: string, options: QfhErrorOptions = {}) {
    super(code, message, {
      hint: 'The partition table file is damaged or not the kind qfh expected. Re-download the firmware package.',
      ...options,
    });
  }
}

/** Codes of {@link PackageError}. */
export type PackageCode =
  | 'QFH_PACKAGE_NOT_FOUND'
  | 'QFH_PACKAGE_PATH_ESCAPE'
  | 'QFH_PACKAGE_XML'
  | 'QFH_PACKAGE_MD5_FORMAT';

/** A firmware package (folder or one of its manifests) that cannot be read safely. */
export class PackageError extends QfhError {
  static override readonly errorName: string = 'PackageError';
  constructor(code: PackageCode, message: string, options: QfhErrorOptions = {}) {
    super(code, message, {
      hint: 'Point qfh at the unpacked firmware folder (the one holding md5.txt and update/), and re-download it if a file is damaged.',
      ...options,
    });
  }
}

/** Codes of {@link ZipError}. */
export type ZipCode =
  | 'QFH_ZIP_PATH_ESCAPE'
  | 'QFH_ZIP_BOMB'
  | 'QFH_ZIP_ENCRYPTED'
  | 'QFH_ZIP_TRUNCATED'
  | 'QFH_ZIP_CRC_MISMATCH'
  | 'QFH_ZIP_CORRUPT'
  | 'QFH_ZIP_UNSUPPORTED';

const ZIP_HINTS: Readonly<Record<ZipCode, string>> = {
  QFH_ZIP_PATH_ESCAPE:
    'This archive names files outside itself, which no firmware zip does: do not unpack it. Download the firmware from the vendor again.',
  QFH_ZIP_BOMB:
    'This archive states sizes no real firmware zip has (a zip bomb, or damage): download the firmware from the vendor again.',
  QFH_ZIP_ENCRYPTED:
    'qfh does not decrypt archives: unpack it with its password and point qfh at the folder.',
  QFH_ZIP_TRUNCATED:
    'The download was cut short: download the zip again and compare its size with the one the vendor gives.',
  QFH_ZIP_CRC_MISMATCH:
    'The archive is damaged (or changed while qfh read it): download it again before flashing.',
  QFH_ZIP_CORRUPT: 'The archive is damaged: download it again before flashing.',
  QFH_ZIP_UNSUPPORTED:
    'Unpack the zip with a tool that reads this compression (7-Zip) and point qfh at the folder, or re-zip it with plain deflate.',
};

/** A firmware zip that cannot be read safely: nothing from it reaches the modem. */
export class ZipError extends QfhError {
  static override readonly errorName: string = 'ZipError';
  constructor(code: ZipCode, message: string, options: QfhErrorOptions = {}) {
    super(code, message, { hint: ZIP_HINTS[code], ...options });
  }
}

/** Codes of {@link ProgrammerFileError}. */
export type ProgrammerFileCode = 'QFH_PROGRAMMER_INVALID';

/** The programmer file is not a Firehose ELF a PBL would load. */
export class ProgrammerFileError extends QfhError {
  static override readonly errorName: string = 'ProgrammerFileError';
  constructor(code: ProgrammerFileCode, message: string, options: QfhErrorOptions = {}) {
    super(code, message, {
      hint: 'Use the prog_*firehose* file shipped with the firmware for this exact modem (or pass the right one with --programmer FILE).',
      ...options,
    });
  }
}

/** Codes of {@link CaptureError}. */
export type CaptureCode =
  | 'QFH_CAPTURE_FORMAT'
  | 'QFH_CAPTURE_TRUNCATED'
  | 'QFH_CAPTURE_NO_DEVICE'
  | 'QFH_CAPTURE_AMBIGUOUS';

/** A capture (qfh's JSON lines, pcap, pcapng, usbmon records) that cannot be read or replayed as asked. */
export class CaptureError extends QfhError {
  static override readonly errorName: string = 'CaptureError';
  constructor(code: CaptureCode, message: string, options: QfhErrorOptions = {}) {
    super(code, message, {
      hint: 'Capture the whole session with its USB link type: `tcpdump -i usbmonN -s 0 -w FILE.pcapng` (or Wireshark on usbmonN), started before the modem is plugged in so the enumeration is in the file.',
      ...options,
    });
  }
}
