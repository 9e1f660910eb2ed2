/**
 * The simulated programmer's storage commands, checked the way the real programmers report
 * problems: sector size and pages per block against the disk (real texts, edl #714 and
 * #522), a LUN that does not exist (strongtz/edl-ng #25), ranges beyond the disk and
 * negative ones; unaligned NAND erases NAKed (quectel_eg25_recovery #29); vendor erases;
 * DISK patches evaluated on the device with its CRC32 over the stored bytes.
 *
 * @module
 */
import zlib from 'node:zlib';
import { crc32 as hostCrc32 } from '../crc32.js';

// zlib's CRC-32 (Node 20.15+), not the host's: a host CRC bug must not be agreed with.
const deviceCrc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32 ?? hostCrc32;
import type { FirehoseElement } from '../firehose/xml.js';
import { DeviceExpressionError, evaluateOnDevice } from './device-expression.js';
import type { Replies } from './firehose-replies.js';
import type { DeviceProfile } from './profiles.js';
import type { Storage } from './storage/storage.js';

/** What the storage commands act on. */
export interface Disk {
  readonly profile: DeviceProfile;
  readonly storage: Storage;
  readonly replies: Replies;
}

/** A checked sector range. */
export interface DiskRange {
  readonly lun: number;
  readonly start: number;
  readonly sectors: number;
}

/**
 * An attribute's value, its name in any case: real programmers take qdl's `ZLPAwareHost` and
 * `verbose` as they take QFirehose's `ZlpAwareHost` and `Verbose`.
 */
export const attr = (e: FirehoseElement, name: string): string | undefined =>
  e.attributes.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];

/** The failure line each command reports (real texts; the erase line number is reconstructed). */
const FAILURE: Readonly<Record<string, string>> = {
  read: 'ERROR 4: Line 2193: STORAGE_READ_FAILURE',
  erase: 'ERROR 22: Line 2501: HANDLE_ERASE_FAILURE',
};
const PROGRAM_FAILURE = 'ERROR 21: Line 2459: HANDLE_PROGRAM_FAILURE';

/** The range a sector-addressed command names, or the NAK a real programmer would send. */
export function rangeOf(e: FirehoseElement, d: Disk): DiskRange | Uint8Array[] {
  const failure = FAILURE[e.tag] ?? PROGRAM_FAILURE;
  const size = attr(e, 'SECTOR_SIZE_IN_BYTES');
  if (Number(size) !== d.storage.sectorSize)
    return d.replies.fail(
      `Attribute 'SECTOR_SIZE_IN_BYTES'=${size ?? ''} must be equal to disk sector size ${d.storage.sectorSize}`,
      failure,
    );
  const ppb = d.profile.storage.pagesPerBlock;
  const askedPpb = attr(e, 'PAGES_PER_BLOCK');
  if (ppb !== undefined && askedPpb !== undefined && Number(askedPpb) !== ppb)
    return d.replies.fail(
      `Attribute 'PAGES_PER_BLOCK'=${askedPpb} must be equal to disk pages per block ${ppb}`,
      failure,
    );
  const lun = Number(attr(e, 'physical_partition_number') ?? 0);
  const total = d.storage.sectors(lun);
  if (total === undefined) return d.replies.fail(`Invalid physical partition ${lun}`);
  const numbers = evaluate(e, total);
  if (!numbers) return d.replies.fail('Failed to parse start_sector/num_partition_sectors'); // reconstructed
  const { start, sectors } = numbers;
  if (start < 0 || sectors < 0 || start + sectors > total)
    return d.replies.fail(
      `start_sector ${start} + num_partition_sectors ${sectors} is beyond the ${total} sectors of LUN ${lun}`,
      failure,
    ); // reconstructed
  return { lun, start, sectors };
}

function evaluate(
  e: FirehoseElement,
  total: number,
): { start: number; sectors: number } | undefined {
  const context = { numDiskSectors: BigInt(total) };
  const value = (name: string): number => Number(evaluateOnDevice(attr(e, name) ?? '', context));
  try {
    const start = value('start_sector');
    const sectors = value('num_partition_sectors');
    return Number.isSafeInteger(start) && Number.isSafeInteger(sectors)
      ? { start, sectors }
      : undefined;
  } catch (err) {
    if (err instanceof DeviceExpressionError) return undefined;
    throw err;
  }
}

/** An erase of a checked range; NAND erases must cover whole blocks. */
export function eraseRange(r: DiskRange, d: Disk, open: Uint8Array[]): Uint8Array[] {
  const nine = d.profile.firehose.logStyle === '9x07';
  const ppb = d.profile.storage.pagesPerBlock;
  const head = nine
    ? [
        d.replies.log(
          `start_sector = ${r.start} and num_partition_sectors =0x${r.sectors.toString(16)})`,
        ),
      ]
    : [...open, d.replies.log(`Erasing start sector ${r.start}, num sectors 0`)];
  if (ppb !== undefined && (r.start % ppb !== 0 || r.sectors % ppb !== 0))
    // Real (EG25-G on a 256 KiB-block NAND, quectel_eg25_recovery#29).
    return [...head, d.replies.log('start_sector unaligned'), d.replies.bare('NAK', false)];
  d.storage.erase(r.lun, r.start, r.sectors);
  return [...head, nine ? d.replies.bare('ACK') : d.replies.response('ACK', false)];
}

/** Quectel's `vendor="quectel"` erase of a raw-data range. */
export function vendorErase(e: FirehoseElement, d: Disk): Uint8Array[] {
  const start = Number(attr(e, 'a_rawdata_start_sector'));
  const count = Number(attr(e, 'b_rawdata_num_sector'));
  const total = d.storage.sectors(0) ?? 0;
  if (
    !Number.isInteger(start) ||
    !Number.isInteger(count) ||
    start < 0 ||
    count < 0 ||
    start + count > total
  )
    return d.replies.fail('vendor erase range invalid'); // reconstructed
  d.storage.erase(0, start, count);
  return [d.replies.response('ACK', false)];
}

/** A patch the device applies (`filename="DISK"`); file patches are the host's business. */
export function patchDisk(e: FirehoseElement, d: Disk): Uint8Array[] {
  if (attr(e, 'filename') !== 'DISK') return [d.replies.response('ACK', false)];
  const lun = Number(attr(e, 'physical_partition_number') ?? 0);
  const total = d.storage.sectors(lun);
  if (total === undefined) return d.replies.fail(`Invalid physical partition ${lun}`);
  const size = d.storage.sectorSize;
  const context = {
    numDiskSectors: BigInt(total),
    crc32: (start: bigint, length: bigint): bigint => {
      const bytes = Number(length);
      // A host's CRC32(0, <huge>) must not make the simulator read its disk into memory. Real
      // patch files checksum at most a GPT entry array (16 KiB); the 1 MiB cap is the
      // simulator's own guard, not a limit documented for real programmers.
      if (
        start < 0n ||
        length < 0n ||
        bytes > 1 << 20 ||
        Number(start) + Math.ceil(bytes / size) > total
      )
        throw new DeviceExpressionError(`CRC32(${start},${length}) reaches past LUN ${lun}`);
      return BigInt(
        deviceCrc32(d.storage.read(lun, Number(start), Math.ceil(bytes / size)).subarray(0, bytes)),
      );
    },
  };
  try {
    const sector = Number(evaluateOnDevice(attr(e, 'start_sector') ?? '', context));
    const offset = Number(attr(e, 'byte_offset'));
    const width = Number(attr(e, 'size_in_bytes'));
    const value = evaluateOnDevice(attr(e, 'value') ?? '', context);
    const first = sector + Math.floor(offset / size);
    const span = Math.ceil(((offset % size) + width) / size);
    if (!(first >= 0 && first + span <= total && width > 0 && width <= 8))
      return d.replies.fail(`Failed to patch: sector ${first} +${span} is outside LUN ${lun}`); // reconstructed
    const bytes = d.storage.read(lun, first, span);
    for (let i = 0; i < width; i++)
      bytes[(offset % size) + i] = Number((value >> BigInt(8 * i)) & 0xffn);
    d.storage.write(lun, first, bytes);
    const hex = value
      .toString(16)
      .toUpperCase()
      .padStart(width * 2, '0');
    return [
      d.replies.log(`Patched sector ${sector} with ${hex}`),
      d.replies.response('ACK', false),
    ];
  } catch (err) {
    if (!(err instanceof DeviceExpressionError)) throw err;
    return d.replies.fail(`Failed to patch: ${err.message}`); // reconstructed
  }
}
