/**
 * Applies patch entries to the bytes of a package file before they are programmed
 * (`gpt_main0.bin`, `partition_complete_p2K_b128K.mbn`). Pure: bytes and patches in,
 * patched copy out. Patches run in file order; `CRC32(start,len)` is computed over the
 * bytes as patched so far, relative to the start of the file, in the CRC variant that file
 * uses (zlib for GPT, MSB-first init-0 for the NAND MIBIB: research/captures.md §2.3–2.4).
 *
 * @module
 */
import { PackageError } from '../errors.js';
import { crc32, crc32MsbFirstInit0 } from '../crc32.js';
import { evaluateExpression } from './expression.js';
import type { PatchEntry } from './program-list.js';

/** Which CRC-32 a patched file's `CRC32(...)` values use. */
export type CrcVariant = 'zlib' | 'msb-first-init0';

/** The CRC variant for a file by its name: MIBIB images use the MSB-first form. */
export function crcVariantFor(filename: string): CrcVariant {
  return /partition_complete_p\d+K_b\d+K\.mbn$/i.test(filename) ? 'msb-first-init0' : 'zlib';
}

/** Disk facts the expressions may need. */
export interface DiskFacts {
  readonly NUM_DISK_SECTORS?: bigint;
  readonly NUM_DISK_BLOCKS?: bigint;
}

/** A patch as applied: where, and the value written. */
export interface AppliedPatch {
  readonly index: number;
  readonly offset: number;
  readonly size: number;
  readonly value: bigint;
  readonly what: string | undefined;
}

/**
 * Applies `patches` (all for this one file) to a copy of `bytes`.
 * @throws PackageError when a patch falls outside the file or its value does not fit.
 */
export function applyFilePatches(
  bytes: Uint8Array,
  patches: readonly PatchEntry[],
  facts: DiskFacts,
  variant: CrcVariant,
): { bytes: Uint8Array; applied: AppliedPatch[] } {
  const out = Uint8Array.from(bytes);
  const applied: AppliedPatch[] = [];
  for (const patch of patches) {
    const where = `patch ${patch.index + 1} (${patch.what ?? patch.value.text}) on ${patch.filename}`;
    const crc = (startSector: bigint, length: bigint): bigint => {
      const start = Number(startSector) * patch.sectorSize;
      const end = start + Number(length);
      if (end > out.length)
        throw new PackageError(
          'QFH_PACKAGE_XML',
          `${where}: CRC32 over bytes ${start}..${end} runs past the ${out.length}-byte file`,
        );
      const slice = out.subarray(start, end);
      return BigInt(variant === 'zlib' ? crc32(slice) : crc32MsbFirstInit0(slice));
    };
    const context = { ...facts, crc32: crc };
    const offset =
      Number(evaluateExpression(patch.startSector.expr, context)) * patch.sectorSize +
      patch.byteOffset;
    if (offset + patch.sizeInBytes > out.length) {
      throw new PackageError(
        'QFH_PACKAGE_XML',
        `${where}: writes bytes ${offset}..${offset + patch.sizeInBytes}, past the ${out.length}-byte file`,
      );
    }
    const value = evaluateExpression(patch.value.expr, context);
    if (value >= 1n << BigInt(8 * patch.sizeInBytes)) {
      throw new PackageError(
        'QFH_PACKAGE_XML',
        `${where}: value ${value} does not fit in ${patch.sizeInBytes} bytes`,
      );
    }
    for (let i = 0; i < patch.sizeInBytes; i++)
      out[offset + i] = Number((value >> BigInt(8 * i)) & 0xffn);
    applied.push({ index: patch.index, offset, size: patch.sizeInBytes, value, what: patch.what });
  }
  return { bytes: out, applied };
}
