/**
 * The tests' own reference computation of what a flash must leave on storage, written
 * independently of qfh's package and plan code: rawprogram lines read with a regex,
 * images zero-padded to whole sectors, NAND erases to 0xFF, GPT patches evaluated by a
 * tiny evaluator of the two expression forms real patch files use.
 */
import { crc32 } from 'node:zlib';

/** Attributes of every `<tag .../>` line, by regex. */
export function lines(xml: string, tag: string): Record<string, string>[] {
  return [...xml.matchAll(new RegExp(`<${tag}\\s([^>]*?)/?>`, 'g'))].map((m) =>
    Object.fromEntries([...(m[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((a) => [a[1], a[2]])),
  );
}

/** A number or `NUM_DISK_SECTORS-N` (with or without the trailing dot). */
export function sectorOf(text: string, diskSectors: number): number {
  const m = /^NUM_DISK_SECTORS-(\d+)\.?$/.exec(text.trim());
  return m ? diskSectors - Number(m[1]) : Number.parseInt(text, 10);
}

/** Applies patch lines for one target to `bytes` (value: NUM_DISK_SECTORS-N. or CRC32(start,len) or a number). */
export function applyPatches(
  bytes: Uint8Array,
  patches: Record<string, string>[],
  diskSectors: number,
): Uint8Array {
  const out = Uint8Array.from(bytes);
  for (const p of patches) {
    const sector = Number(p['SECTOR_SIZE_IN_BYTES']);
    const at = sectorOf(p['start_sector'] ?? '0', diskSectors) * sector + Number(p['byte_offset']);
    const value = p['value'] ?? '0';
    const crc = /^CRC32\(([^,]+),(\d+)\)$/.exec(value);
    let v: bigint;
    if (crc) {
      const from = sectorOf(crc[1] ?? '0', diskSectors) * sector;
      v = BigInt(crc32(out.subarray(from, from + Number(crc[2]))) >>> 0);
    } else v = BigInt(sectorOf(value, diskSectors));
    for (let i = 0; i < Number(p['size_in_bytes']); i++)
      out[at + i] = Number((v >> BigInt(8 * i)) & 0xffn);
  }
  return out;
}

/** Pads to whole sectors with zeros. */
export function padded(data: Uint8Array, sector: number): Uint8Array {
  const out = new Uint8Array(Math.ceil(data.length / sector) * sector);
  out.set(data);
  return out;
}
