/**
 * Peak memory of a flash read straight from a zip: a 1 GiB image (256 MiB with --quick)
 * deflated inside a Quectel-shaped zip (nested root folder), flashed by the same child as
 * the folder figures, so the numbers compare. The image is pseudo-random (deflate keeps it
 * as stored blocks, the common case for already-compressed UBI images); the limit is the
 * 64 MiB target.
 */
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import yazl from 'yazl';
import { androidPackage, rawImage } from './fixtures.js';

const MiB = 1 << 20;

/** Zips `root` (its files named in `files`) under `prefix`, deflated; removes the folder. */
async function zipPackage(
  root: string,
  files: string[],
  zip: string,
  prefix: string,
): Promise<void> {
  const z = new yazl.ZipFile();
  for (const f of files)
    z.addFile(join(root, f), `${prefix}${f}`, { compress: true, compressionLevel: 1 });
  z.end();
  await new Promise<void>((resolve, reject) => {
    z.outputStream.pipe(createWriteStream(zip)).on('close', resolve).on('error', reject);
  });
  await rm(root, { recursive: true, force: true });
}

/** Builds the zip; resolves to its path and the image size. */
export async function zipForMemory(
  work: string,
  quick: boolean,
): Promise<{ zip: string; bytes: number }> {
  const bytes = quick ? 256 * MiB : 1024 * MiB;
  const root = join(work, 'mem-zip');
  await androidPackage(root, 4096, [{ file: 'big.img', bytes }]);
  await rawImage(join(root, 'big.img'), bytes);
  const zip = join(work, 'FW_1GiB.zip');
  await zipPackage(root, ['rawprogram0.xml', 'prog_firehose_ddr.elf', 'big.img'], zip, 'FW/FW/');
  return { zip, bytes };
}
