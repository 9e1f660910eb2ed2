/**
 * Pure reader of ELF file and program headers, for Firehose programmer images
 * (`prog_*firehose*.mbn/.elf`). Qualcomm programmers are ELF files whose program headers
 * include a hash segment (p_flags OS bits 0x2 << 24) holding per-segment SHA-256 digests.
 *
 * @module
 */
import { ProgrammerFileError } from './errors.js';

/** One program header. */
export interface ElfProgramHeader {
  readonly type: number;
  readonly offset: number;
  readonly virtualAddress: number;
  readonly physicalAddress: number;
  readonly fileSize: number;
  readonly memorySize: number;
  readonly flags: number;
  readonly align: number;
}

/** An ELF image's headers. */
export interface ElfImage {
  readonly bits: 32 | 64;
  readonly littleEndian: boolean;
  readonly type: number;
  readonly machine: number;
  readonly entry: number;
  readonly programHeaderOffset: number;
  readonly programHeaderSize: number;
  readonly programHeaders: readonly ElfProgramHeader[];
}

/** Qualcomm's segment type bits in p_flags (bits 24–26). */
export const QCOM_SEGMENT_TYPE = {
  L4: 0,
  AMSS: 1,
  HASH: 2,
  BOOT: 3,
  L4BSP: 4,
  SWAPPED: 5,
  SWAP_POOL: 6,
  PHDR: 7,
} as const;

/** The Qualcomm segment type of a program header. */
export function qcomSegmentType(flags: number): number {
  return (flags >>> 24) & 0x7;
}

/** ELF program header type of a loadable segment. */
const PT_LOAD = 1;

/** Whether `bytes` starts with the ELF magic. */
export function isElf(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 4 &&
    bytes[0] === 0x7f &&
    bytes[1] === 0x45 &&
    bytes[2] === 0x4c &&
    bytes[3] === 0x46
  );
}

const short = (why: string): ProgrammerFileError =>
  new ProgrammerFileError('QFH_PROGRAMMER_INVALID', `ELF image ${why}`, {
    hint: 'The programmer file is damaged or not an ELF programmer. Use the prog_*firehose* file from the firmware package.',
  });

/**
 * Reads the ELF header and program headers from the start of an image (which must hold
 * at least the header and the program header table).
 */
export function parseElf(bytes: Uint8Array): ElfImage {
  if (!isElf(bytes)) throw short('does not start with the ELF magic 7f 45 4c 46');
  if (bytes.length < 52) throw short(`is ${bytes.length} bytes, shorter than an ELF header`);
  const bits = bytes[4] === 2 ? 64 : bytes[4] === 1 ? 32 : undefined;
  if (bits === undefined) throw short(`has unknown class ${bytes[4]}`);
  const le = bytes[5] !== 2;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number): number => v.getUint16(at, le);
  const u32 = (at: number): number => v.getUint32(at, le);
  const u64 = (at: number): number => Number(v.getBigUint64(at, le));
  if (bits === 64 && bytes.length < 64) throw short('is shorter than an ELF64 header');
  const phoff = bits === 32 ? u32(28) : u64(32);
  const phentsize = bits === 32 ? u16(42) : u16(54);
  const phnum = bits === 32 ? u16(44) : u16(56);
  if (phentsize < (bits === 32 ? 32 : 56))
    throw short(`has program header entries of ${phentsize} bytes`);
  if (phoff + phnum * phentsize > bytes.length)
    throw short(
      `program headers (${phnum} × ${phentsize} at ${phoff}) run past the ${bytes.length} bytes given`,
    );
  const programHeaders: ElfProgramHeader[] = [];
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    programHeaders.push(
      bits === 32
        ? {
            type: u32(at),
            offset: u32(at + 4),
            virtualAddress: u32(at + 8),
            physicalAddress: u32(at + 12),
            fileSize: u32(at + 16),
            memorySize: u32(at + 20),
            flags: u32(at + 24),
            align: u32(at + 28),
          }
        : {
            type: u32(at),
            flags: u32(at + 4),
            offset: u64(at + 8),
            virtualAddress: u64(at + 16),
            physicalAddress: u64(at + 24),
            fileSize: u64(at + 32),
            memorySize: u64(at + 40),
            align: u64(at + 48),
          },
    );
  }
  return {
    bits,
    littleEndian: le,
    type: u16(16),
    machine: u16(18),
    entry: bits === 32 ? u32(24) : u64(24),
    programHeaderOffset: phoff,
    programHeaderSize: phentsize,
    programHeaders,
  };
}

/** How much of the file the headers are looked for in (real headers fit in the first 4 KiB). */
export const PROGRAMMER_HEAD_BYTES = 64 * 1024;

/**
 * Why `head` (the first bytes of a file of `size` bytes) is not a loadable programmer, or
 * `undefined` when it is one.
 */
export function programmerProblem(head: Uint8Array, size: number): string | undefined {
  if (!isElf(head)) return 'is not an ELF file (no 7f 45 4c 46 magic), so no PBL will load it';
  let elf;
  try {
    elf = parseElf(head);
  } catch (e) {
    if (!(e instanceof ProgrammerFileError)) throw e;
    return `has unreadable ELF headers (${e.message})`;
  }
  const headers = elf.programHeaders;
  if (!headers.some((h) => qcomSegmentType(h.flags) === QCOM_SEGMENT_TYPE.HASH))
    return 'has no hash segment, so no PBL will accept it (it is not a signed Qualcomm image)';
  if (!headers.some((h) => h.type === PT_LOAD && h.fileSize > 0)) return 'has no loadable segment';
  const beyond = headers.find((h) => h.fileSize > 0 && h.offset + h.fileSize > size);
  if (beyond)
    return `is cut short: a segment ends at byte ${beyond.offset + beyond.fileSize} of a ${size}-byte file`;
  return undefined;
}
