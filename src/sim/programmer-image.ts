/**
 * Test Firehose programmers shaped like `prog_firehose_*.mbn`, and the check a PBL runs on
 * one. A programmer is a 32-bit ELF: program header 0 covers the ELF and program headers
 * (Qualcomm segment type PHDR), header 1 is the hash segment (a 40-byte MBN header, then
 * one SHA-256 per program header, then signature/certificate bytes), the rest are loadable
 * segments. The PBL accepts the image only if every segment hashes to its table entry.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { isElf, parseElf, qcomSegmentType, QCOM_SEGMENT_TYPE, type ElfImage } from '../elf.js';
import { SaharaStatus } from '../sahara/constants.js';

const ELF_HEADER = 52;
const PHDR = 32;
const MBN_HEADER = 40;
const DIGEST = 32;
const PT_NULL = 0;
const PT_LOAD = 1;

/** Options for {@link buildTestProgrammer}. */
export interface TestProgrammerOptions {
  /** Sizes of the loadable segments. @default [0x27000 + 0x5a8, 0x18000] */
  segmentSizes?: readonly number[];
  /**
   * Signature and certificate bytes after the hash table, which give the hash segment its
   * odd length. The default makes it 0x19d0 bytes with four program headers, the size the
   * real SDX24/SDX55 programmers' hash segments have (0x1000 + 0x9d0 in the QFirehose logs).
   * @default 0x1928
   */
  signatureBytes?: number;
  /** Seed of the segment contents. @default 1 */
  seed?: number;
}

function filler(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = (seed * 2654435761) >>> 0;
  for (let i = 0; i < size; i++) {
    x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x297a2d39) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

const sha256 = (b: Uint8Array): Uint8Array => createHash('sha256').update(b).digest();

/**
 * Builds a programmer image the simulated PBL accepts. Segments follow the hash segment
 * back to back, so later ones start off page boundaries, as in real programmers.
 */
export function buildTestProgrammer(options: TestProgrammerOptions = {}): Uint8Array {
  const segments = options.segmentSizes ?? [0x27000 + 0x5a8, 0x18000];
  const seed = options.seed ?? 1;
  const count = 2 + segments.length;
  const hashOffset = 0x1000;
  const hashSize = MBN_HEADER + count * DIGEST + (options.signatureBytes ?? 0x1928);
  const firstLoad = Math.ceil((hashOffset + hashSize) / 0x1000) * 0x1000;
  const offsets: number[] = [];
  segments.reduce((at, size) => (offsets.push(at), at + size), firstLoad);
  const total = segments.reduce((at, size) => at + size, firstLoad);
  const image = new Uint8Array(total);
  const v = new DataView(image.buffer);
  image.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1, 0]);
  v.setUint16(16, 2, true); // ET_EXEC
  v.setUint16(18, 40, true); // EM_ARM
  v.setUint32(20, 1, true);
  v.setUint32(24, 0x08000000, true);
  v.setUint32(28, ELF_HEADER, true);
  v.setUint16(40, ELF_HEADER, true);
  v.setUint16(42, PHDR, true);
  v.setUint16(44, count, true);
  type Header = { type: number; offset: number; size: number; flags: number; addr: number };
  const phdr = (i: number, h: Header): void => {
    const at = ELF_HEADER + i * PHDR;
    [h.type, h.offset, h.addr, h.addr, h.size, h.size, h.flags, 0x1000].forEach((word, k) =>
      v.setUint32(at + k * 4, word, true),
    );
  };
  const phdrFlags = QCOM_SEGMENT_TYPE.PHDR << 24;
  phdr(0, { type: PT_NULL, offset: 0, size: ELF_HEADER + count * PHDR, flags: phdrFlags, addr: 0 });
  const hashFlags = (QCOM_SEGMENT_TYPE.HASH << 24) | 0x200000;
  phdr(1, {
    type: PT_NULL,
    offset: hashOffset,
    size: hashSize,
    flags: hashFlags,
    addr: 0x08600000,
  });
  segments.forEach((size, i) => {
    const addr = 0x08000000 + i * 0x100000;
    phdr(2 + i, { type: PT_LOAD, offset: offsets[i] ?? 0, size, flags: 0x5, addr });
    image.set(filler(size, seed + i), offsets[i]);
  });
  // MBN header: image id, version, src, dest, image size, code size (= hash table), ...
  const h = hashOffset;
  [
    0,
    3,
    0,
    0x08600000 + MBN_HEADER,
    count * DIGEST + (hashSize - MBN_HEADER - count * DIGEST),
    count * DIGEST,
  ].forEach((word, k) => v.setUint32(h + k * 4, word, true));
  image.set(
    filler(hashSize - MBN_HEADER - count * DIGEST, seed + 99),
    h + MBN_HEADER + count * DIGEST,
  );
  const headers = parseElf(image.subarray(0, ELF_HEADER + count * PHDR));
  headers.programHeaders.forEach((p, i) => {
    if (i === 1) return; // the hash segment's own entry stays zero
    image.set(sha256(image.subarray(p.offset, p.offset + p.fileSize)), h + MBN_HEADER + i * DIGEST);
  });
  return image;
}

/** Outcome of the PBL's check: success, or the Sahara status it ends the transfer with. */
export type ProgrammerVerdict = { ok: true } | { ok: false; status: number; reason: string };

/** Most program headers a PBL takes (real PBLs cap this; more gives NAK_UNSUPPORTED_NUM_PHDRS). */
export const MAX_PROGRAM_HEADERS = 64;

/** Checks the ELF and program headers alone (what the PBL can judge before reading segments). */
export function checkProgrammerHeaders(
  head: Uint8Array,
  allow64: boolean,
): { elf: ElfImage } | { ok: false; status: number; reason: string } {
  if (!isElf(head))
    return {
      ok: false,
      status: SaharaStatus['NAK_INVALID_ELF_HDR'] ?? 0x14,
      reason: 'not an ELF image',
    };
  let elf: ElfImage;
  try {
    elf = parseElf(head);
  } catch (e) {
    return {
      ok: false,
      status: SaharaStatus['NAK_INVALID_ELF_HDR'] ?? 0x14,
      reason: (e as Error).message,
    };
  }
  if (elf.bits === 64 && !allow64)
    return {
      ok: false,
      status: SaharaStatus['NAK_INVALID_ELF_HDR'] ?? 0x14,
      reason: '64-bit ELF on a 32-bit PBL',
    };
  if (elf.programHeaders.length > MAX_PROGRAM_HEADERS)
    return {
      ok: false,
      status: SaharaStatus['NAK_UNSUPPORTED_NUM_PHDRS'] ?? 0x0e,
      reason: `${elf.programHeaders.length} program headers`,
    };
  return { elf };
}

/** The hash segment's program header index, or -1. */
export function hashSegmentIndex(elf: ElfImage): number {
  return elf.programHeaders.findIndex((p) => qcomSegmentType(p.flags) === QCOM_SEGMENT_TYPE.HASH);
}

/**
 * Verifies the segments against the hash table, given a reader of the bytes the PBL has
 * fetched (`bytesAt(offset, length)`).
 */
export function verifyProgrammer(
  elf: ElfImage,
  bytesAt: (offset: number, length: number) => Uint8Array,
): ProgrammerVerdict {
  const hashIndex = hashSegmentIndex(elf);
  const hash = elf.programHeaders[hashIndex];
  if (!hash)
    return {
      ok: false,
      status: SaharaStatus['NAK_HASH_TABLE_NOT_FOUND'] ?? 0x23,
      reason: 'no hash segment',
    };
  const segment = bytesAt(hash.offset, hash.fileSize);
  const count = elf.programHeaders.length;
  const tableSize =
    segment.length >= MBN_HEADER
      ? new DataView(segment.buffer, segment.byteOffset + 20, 4).getUint32(0, true)
      : -1;
  if (tableSize !== count * DIGEST || MBN_HEADER + tableSize > segment.length) {
    return {
      ok: false,
      status: SaharaStatus['NAK_INVALID_IMG_HASH_TABLE_SIZE'] ?? 0x26,
      reason: `hash table of ${tableSize} bytes for ${count} segments`,
    };
  }
  for (let i = 0; i < count; i++) {
    const p = elf.programHeaders[i];
    if (!p || i === hashIndex || p.fileSize === 0) continue;
    const want = segment.subarray(MBN_HEADER + i * DIGEST, MBN_HEADER + (i + 1) * DIGEST);
    const got = sha256(bytesAt(p.offset, p.fileSize));
    if (!want.every((b, k) => b === got[k]))
      return {
        ok: false,
        status: SaharaStatus['NAK_HASH_VERIFICATION_FAILURE'] ?? 0x22,
        reason: `segment ${i} does not match its hash`,
      };
  }
  return { ok: true };
}
