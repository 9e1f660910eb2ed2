/**
 * Streams files through MD5 to check them against a manifest: never loads an image.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** MD5 of a stream of bytes (a file, a package entry), hex, lower case. */
export async function md5Stream(pieces: AsyncIterable<Uint8Array>): Promise<string> {
  const hash = createHash('md5');
  for await (const piece of pieces) hash.update(piece);
  return hash.digest('hex');
}

/** MD5 of a file, hex, lower case, read in 1 MiB pieces. */
export function md5File(path: string): Promise<string> {
  return md5Stream(createReadStream(path, { highWaterMark: 1 << 20 }));
}
