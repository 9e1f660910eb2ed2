/**
 * MD5 of a stream of package bytes on any JavaScript runtime (WebCrypto has no MD5, and no
 * streaming digest at all): `@noble/hashes`, audited pure JavaScript. On Node the package
 * reader is given node:crypto's instead (`verify-md5.ts`), several times faster.
 *
 * @module
 */
import { md5 } from '@noble/hashes/legacy';
import { toHex } from '../bytes.js';

/** MD5 of what `pieces` yields, hex, lower case. */
export type Md5Digest = (pieces: AsyncIterable<Uint8Array>) => Promise<string>;

/** The runtime-neutral {@link Md5Digest}. */
export const portableMd5: Md5Digest = async (pieces) => {
  const hash = md5.create();
  for await (const piece of pieces) hash.update(piece);
  return toHex(hash.digest());
};
