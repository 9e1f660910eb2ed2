/**
 * The hashing thread dying mid-image (killed, out of memory, a flag it cannot run under):
 * the image's digest fails with the thread's reason, and no rejection is left unhandled
 * (Node ends the whole process on one, with the modem half-written).
 */
import { expect, it } from 'vitest';
import type { FlashRuntime } from '../../src/flash/flash-runtime.js';
import { imagePieces } from '../../src/flash/image-pieces.js';
import { nodeSha256 } from '../../src/flash/node-runtime.js';
import { folderSource } from '../../src/package/folder-source.js';
import { bytesOf, makePackage } from '../helpers/package-dir.js';

const dying: FlashRuntime = {
  sha256: nodeSha256,
  hashOnThread: () => ({
    update: (slot: number) =>
      slot === 0
        ? Promise.resolve()
        : Promise.reject(new Error('the hashing thread stopped (exit 1)')),
    digest: () => Promise.reject(new Error('the hashing thread stopped (exit 1)')),
    dispose: () => undefined,
  }),
};

it('a hashing thread that stops fails the digest, leaving no unhandled rejection', async () => {
  const size = 40 << 20;
  const root = await makePackage({ 'img.bin': bytesOf(size, 3) });
  const files = await folderSource(root);
  const image = imagePieces(
    { kind: 'file', path: 'img.bin', segments: [{ offset: 0, length: size }] },
    files,
    { hash: true, bytes: size, runtime: dying },
  );
  let pieces = 0;
  const read = (async () => {
    for await (const piece of image.pieces()) pieces += piece.length > 0 ? 1 : 0;
  })();
  await read.catch(() => undefined);
  await expect(image.digest(0)).rejects.toThrow('the hashing thread stopped');
  expect(pieces).toBeGreaterThan(0);
  // Let any rejection nobody handled surface before the test ends.
  await new Promise((r) => setTimeout(r, 50));
});
