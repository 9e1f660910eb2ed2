/**
 * SHA-256 on any JavaScript runtime, for the images a flash verifies and compares. WebCrypto
 * cannot hash a stream (it takes the whole message at once), so the portable one is
 * `@noble/hashes`, audited pure JavaScript; Node's flash is given node:crypto's instead
 * (`flash/node-runtime.ts`), several times faster.
 *
 * @module
 */
import { sha256 } from '@noble/hashes/sha2';
import { toHex } from './bytes.js';

/** A running SHA-256. */
export interface Sha256 {
  update(bytes: Uint8Array): void;
  /** The digest of everything given, hex, lower case; nothing after it. */
  hex(): string;
}

/** Starts a SHA-256. */
export type Sha256Factory = () => Sha256;

/** The runtime-neutral {@link Sha256Factory}. */
export const portableSha256: Sha256Factory = () => {
  const hash = sha256.create();
  return {
    update: (bytes) => void hash.update(bytes),
    hex: () => toHex(hash.digest()),
  };
};

const ZEROS = 1 << 20;

/** Feeds `bytes` copies of the byte `value` to `hash` (a range's padding or erased bytes). */
export function updateRepeated(hash: Sha256, value: number, bytes: number): void {
  const chunk = new Uint8Array(Math.min(bytes, ZEROS)).fill(value);
  for (let left = bytes; left > 0; left -= chunk.length)
    hash.update(chunk.subarray(0, Math.min(left, chunk.length)));
}
