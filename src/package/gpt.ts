/**
 * GUID partition tables as Android packages ship them (`gpt_main0.bin`: protective MBR,
 * header at LBA 1, entries from LBA 2; `gpt_backup0.bin`: entries, then the header in
 * the last sector). Header and entry-array CRCs are zlib CRC-32, recomputed here.
 * Packages ship headers with placeholder fields (AlternateLBA 0, LastUsableLBA 0) that the
 * patch file fills in for the real disk size (research/captures.md §2.4).
 *
 * @module
 */
import { PartitionTableError } from '../errors.js';
import { crc32 } from '../crc32.js';
import { latin1, toHex } from '../bytes.js';

const UTF16LE = new TextDecoder('utf-16le');

const SIGNATURE = 'EFI PART';

/** A GPT header's fields. */
export interface GptHeader {
  readonly revision: number;
  readonly headerSize: number;
  readonly headerCrc: number;
  readonly myLba: bigint;
  readonly alternateLba: bigint;
  readonly firstUsableLba: bigint;
  readonly lastUsableLba: bigint;
  readonly diskGuid: string;
  readonly entriesLba: bigint;
  readonly numEntries: number;
  readonly entrySize: number;
  readonly entriesCrc: number;
}

/** A used partition entry. */
export interface GptPartition {
  readonly index: number;
  readonly name: string;
  readonly typeGuid: string;
  readonly uniqueGuid: string;
  readonly firstLba: bigint;
  readonly lastLba: bigint;
  readonly attributes: bigint;
}

/** A decoded GPT image with its CRCs checked. */
export interface Gpt {
  readonly kind: 'primary' | 'backup';
  readonly sectorSize: number;
  /** Byte offset of the header in the file. */
  readonly headerOffset: number;
  /** Byte offset of the entry array in the file. */
  readonly entriesOffset: number;
  readonly header: GptHeader;
  readonly headerCrcComputed: number;
  readonly entriesCrcComputed: number;
  readonly partitions: readonly GptPartition[];
}

/** Formats a 16-byte GUID in its mixed-endian text form. */
export function formatGuid(b: Uint8Array): string {
  const h = toHex(b);
  const swap = (s: string): string => s.match(/../g)?.reverse().join('') ?? s;
  return `${swap(h.slice(0, 8))}-${swap(h.slice(8, 12))}-${swap(h.slice(12, 16))}-${h.slice(16, 20)}-${h.slice(20)}`.toUpperCase();
}

const isSignature = (b: Uint8Array, at: number): boolean =>
  at >= 0 && b.length >= at + 92 && latin1(b.subarray(at, at + 8)) === SIGNATURE;

/** Where a GPT header sits in `bytes`, trying 512- and 4096-byte sectors, primary then backup layout. */
export function locateGptHeader(
  bytes: Uint8Array,
): { kind: 'primary' | 'backup'; sectorSize: number; headerOffset: number } | undefined {
  for (const sectorSize of [512, 4096]) {
    if (isSignature(bytes, sectorSize))
      return { kind: 'primary', sectorSize, headerOffset: sectorSize };
  }
  for (const sectorSize of [512, 4096]) {
    if (bytes.length % sectorSize === 0 && isSignature(bytes, bytes.length - sectorSize))
      return { kind: 'backup', sectorSize, headerOffset: bytes.length - sectorSize };
  }
  return undefined;
}

/** CRC of the header as it should be stored: the first headerSize bytes with the CRC field zeroed. */
export function gptHeaderCrc(bytes: Uint8Array, headerOffset: number, headerSize: number): number {
  const copy = Uint8Array.from(bytes.subarray(headerOffset, headerOffset + headerSize));
  copy.fill(0, 16, 20);
  return crc32(copy);
}

/**
 * Decodes a primary or backup GPT image.
 * @throws PartitionTableError when no header is found or the entry array runs past the file.
 */
export function parseGpt(bytes: Uint8Array): Gpt {
  const where = locateGptHeader(bytes);
  if (!where)
    throw new PartitionTableError(
      'QFH_GPT_BAD_SIGNATURE',
      'no "EFI PART" GPT header at LBA 1 or in the last sector (512- or 4096-byte sectors)',
    );
  const { kind, sectorSize, headerOffset } = where;
  const v = new DataView(bytes.buffer, bytes.byteOffset + headerOffset, 92);
  const header: GptHeader = {
    revision: v.getUint32(8, true),
    headerSize: v.getUint32(12, true),
    headerCrc: v.getUint32(16, true),
    myLba: v.getBigUint64(24, true),
    alternateLba: v.getBigUint64(32, true),
    firstUsableLba: v.getBigUint64(40, true),
    lastUsableLba: v.getBigUint64(48, true),
    diskGuid: formatGuid(bytes.subarray(headerOffset + 56, headerOffset + 72)),
    entriesLba: v.getBigUint64(72, true),
    numEntries: v.getUint32(80, true),
    entrySize: v.getUint32(84, true),
    entriesCrc: v.getUint32(88, true),
  };
  if (
    header.headerSize < 92 ||
    header.headerSize > sectorSize ||
    header.entrySize < 128 ||
    header.entrySize % 8 !== 0
  ) {
    throw new PartitionTableError(
      'QFH_GPT_BAD_HEADER',
      `GPT header has size ${header.headerSize} and entry size ${header.entrySize}, outside what the format allows`,
    );
  }
  const arrayBytes = header.numEntries * header.entrySize;
  // A backup image keeps the array (myLba − entriesLba) sectors before its header (ptool
  // reserves 32 sectors even when the array needs one). Unpatched backups carry 0 as myLba:
  // their array starts the file.
  const gap =
    header.myLba > header.entriesLba
      ? Number(header.myLba - header.entriesLba) * sectorSize
      : headerOffset;
  const entriesOffset =
    kind === 'primary' ? Number(header.entriesLba) * sectorSize : Math.max(0, headerOffset - gap);
  if (entriesOffset < 0 || entriesOffset + arrayBytes > bytes.length) {
    throw new PartitionTableError(
      'QFH_GPT_TRUNCATED',
      `GPT entry array (${header.numEntries} × ${header.entrySize} bytes at byte ${entriesOffset}) runs past the ${bytes.length}-byte file`,
    );
  }
  const partitions: GptPartition[] = [];
  for (let i = 0; i < header.numEntries; i++) {
    const at = entriesOffset + i * header.entrySize;
    const type = bytes.subarray(at, at + 16);
    if (type.every((x) => x === 0)) continue;
    const e = new DataView(bytes.buffer, bytes.byteOffset + at, 56);
    const name = UTF16LE.decode(bytes.subarray(at + 56, at + 128)).replace(/\0.*$/s, '');
    partitions.push({
      index: i,
      name,
      typeGuid: formatGuid(type),
      uniqueGuid: formatGuid(bytes.subarray(at + 16, at + 32)),
      firstLba: e.getBigUint64(32, true),
      lastLba: e.getBigUint64(40, true),
      attributes: e.getBigUint64(48, true),
    });
  }
  return {
    kind,
    sectorSize,
    headerOffset,
    entriesOffset,
    header,
    headerCrcComputed: gptHeaderCrc(bytes, headerOffset, header.headerSize),
    entriesCrcComputed: crc32(bytes.subarray(entriesOffset, entriesOffset + arrayBytes)),
    partitions,
  };
}
