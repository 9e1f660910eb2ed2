/**
 * Builds a NAND MIBIB image (the partition table Quectel NAND modems keep at block 5) from a
 * partition list: page 0 the MIBIB header, page 1 the table, page 2 erased, page 3 the
 * checksum block (MSB-first CRC-32, init 0, over pages 0–1; research/captures.md §2.3).
 * Everything else is 0xFF, as on the real image.
 *
 * @module
 */
import { crc32MsbFirstInit0 } from '../crc32.js';

/** `[name, offset in blocks, length in blocks, attribute bytes]`. */
export type MibibEntry = readonly [
  name: string,
  offsetBlocks: number,
  lengthBlocks: number,
  attributes: readonly [number, number, number, number],
];

/** The 17 partitions of the EG25-G (GB) 30.006 table, as read from the real partition_complete_p2K_b128K.mbn. */
export const EG25G_PARTITIONS: readonly MibibEntry[] = [
  ['0:SBL', 0, 10, [255, 1, 0, 0]],
  ['0:MIBIB', 10, 10, [255, 1, 255, 0]],
  ['0:EFS2', 20, 136, [255, 1, 255, 0]],
  ['0:sys_rev', 156, 40, [255, 1, 0, 0]],
  ['0:RAWDATA', 196, 10, [255, 1, 0, 0]],
  ['0:TZ', 206, 12, [255, 1, 0, 0]],
  ['0:RPM', 218, 9, [255, 1, 0, 0]],
  ['0:cust_info', 227, 16, [255, 1, 0, 0]],
  ['0:aboot', 243, 12, [255, 1, 0, 0]],
  ['0:boot', 255, 62, [255, 1, 0, 0]],
  ['0:recovery', 317, 62, [255, 1, 0, 0]],
  ['0:modem', 379, 428, [255, 1, 0, 0]],
  ['0:misc', 807, 5, [255, 1, 0, 0]],
  ['0:recoveryfs', 812, 162, [255, 1, 0, 0]],
  ['0:usr_data', 974, 480, [255, 1, 0, 0]],
  ['0:sec', 1454, 4, [255, 1, 0, 0]],
  ['0:system', 1458, 590, [255, 1, 0, 0]],
];

/** Builds the four-page MIBIB image for `pageSize`-byte pages. */
export function buildMibib(partitions: readonly MibibEntry[], pageSize = 2048): Uint8Array {
  const image = new Uint8Array(4 * pageSize).fill(0xff);
  const v = new DataView(image.buffer);
  const words = (at: number, values: readonly number[]): void =>
    values.forEach((w, i) => v.setUint32(at + i * 4, w, true));
  words(0, [0xfe569fac, 0xcd7f127a, 4, 1]);
  words(pageSize, [0x55ee73aa, 0xe35ebddb, 4, partitions.length]);
  partitions.forEach(([name, offset, length, attributes], i) => {
    const at = pageSize + 16 + i * 28;
    image.fill(0, at, at + 16);
    image.set(new TextEncoder().encode(name).subarray(0, 16), at);
    words(at + 16, [offset, length]);
    image.set(attributes, at + 24);
  });
  words(3 * pageSize, [
    0x9d41bea1,
    0xf1ded2ea,
    1,
    crc32MsbFirstInit0(image.subarray(0, 2 * pageSize)),
  ]);
  return image;
}
