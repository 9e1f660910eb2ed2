/**
 * node:zlib's native CRC-32 (Node 20.15+), many times faster than the portable one in
 * `src/crc32.ts`, for the Node paths that hash whole images: the zip reader checks every
 * byte of an entry, and a sparse image with CRC32 chunks is expanded once when read.
 *
 * @module
 */
import zlib from 'node:zlib';
import { crc32 as portableCrc32 } from '../crc32.js';

/** zlib/IEEE CRC-32 of `data`, continuing from `previous`. */
export const nativeCrc32: (data: Uint8Array, previous?: number) => number =
  (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32 ?? portableCrc32;
