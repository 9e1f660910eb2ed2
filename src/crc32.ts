/**
 * The two CRC-32 variants a Qualcomm flash meets:
 * - zlib/IEEE CRC-32 (reflected, init and xorout 0xFFFFFFFF): GPT headers and entry
 *   arrays, `CRC32(start,len)` patch values, sparse CRC32 chunks;
 * - MSB-first CRC-32 with init 0 and no xorout: the Quectel NAND MIBIB checksum
 *   (research/captures.md §2.3; the `crc` package's crc32mpeg2 with initial value 0).
 * Plus CRC combination, so the CRC of a long FILL or DONT_CARE run costs O(log n).
 *
 * @module
 */
// The `crc` package's table calculators take Uint8Array and need no Buffer: they run on any
// runtime. Where whole images are hashed on Node (the zip reader, sparse images with CRC32
// chunks), the Node adapter passes node:zlib's native one instead (package/native-crc32.ts).
import crcPackage32 from 'crc/calculators/crc32';
import crc32mpeg2 from 'crc/calculators/crc32mpeg2';

/** zlib/IEEE CRC-32 of `data`, continuing from `previous` (the CRC of what came before). */
export function crc32(data: Uint8Array, previous = 0): number {
  // The calculator reads a previous value of 0 as "start from 0", not as "nothing before".
  return (previous === 0 ? crcPackage32(data) : crcPackage32(data, previous)) >>> 0;
}

/** MSB-first CRC-32, poly 0x04C11DB7, init 0, no reflection, no xorout (the MIBIB checksum). */
export function crc32MsbFirstInit0(data: Uint8Array): number {
  return crc32mpeg2(data, 0) >>> 0;
}

function times(matrix: Uint32Array, vector: number): number {
  let sum = 0;
  for (let i = 0; vector !== 0; i++, vector >>>= 1) {
    if (vector & 1) sum ^= matrix[i] ?? 0;
  }
  return sum >>> 0;
}

function square(out: Uint32Array, matrix: Uint32Array): void {
  for (let n = 0; n < 32; n++) out[n] = times(matrix, matrix[n] ?? 0);
}

/**
 * The CRC of A‖B from crc(A), crc(B) and the length of B, without B's bytes: the
 * operator "append one zero bit" is a 32×32 matrix over GF(2), squared to append 2^k bits.
 */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  if (lengthB <= 0) return crcA >>> 0;
  const odd = new Uint32Array(32);
  const even = new Uint32Array(32);
  odd[0] = 0xedb88320;
  for (let n = 1, row = 1; n < 32; n++, row <<= 1) odd[n] = row;
  square(even, odd); // two zero bits
  square(odd, even); // four zero bits
  let crc = crcA >>> 0;
  let remaining = lengthB;
  for (;;) {
    square(even, odd); // first pass: one zero byte
    if (remaining % 2 === 1) crc = times(even, crc);
    remaining = Math.floor(remaining / 2);
    if (remaining === 0) break;
    square(odd, even);
    if (remaining % 2 === 1) crc = times(odd, crc);
    remaining = Math.floor(remaining / 2);
    if (remaining === 0) break;
  }
  return (crc ^ crcB) >>> 0;
}

/** CRC-32 of `unit` repeated `count` times, continuing from `previous`, in O(log count). */
export function crc32Repeated(unit: Uint8Array, count: number, previous = 0): number {
  if (count <= 0) return previous >>> 0;
  // Binary expansion: `power` is the CRC of unit × 2^k, `acc` of what has been added so far.
  let power = crc32(unit);
  let powerLength = unit.length;
  let acc: number | undefined;
  let n = count;
  while (n > 0) {
    if (n % 2 === 1) acc = acc === undefined ? power : crc32Combine(acc, power, powerLength);
    n = Math.floor(n / 2);
    if (n > 0) {
      power = crc32Combine(power, power, powerLength);
      powerLength *= 2;
    }
  }
  return crc32Combine(previous, acc ?? 0, unit.length * count);
}
