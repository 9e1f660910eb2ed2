/**
 * A consumer that stops reading a zip entry early (a flash refused or interrupted mid-image)
 * stops the reads and the inflater behind it: `return()` on the entry's stream settles, and
 * the archive is read no further than the pieces already in flight. Without that a stopped
 * flash would keep reading (and, from a file, holding) the rest of a 1 GiB entry.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openZipArchive, type ZipEntryInfo } from '../../src/package/zip-archive.js';
import { zipFolder } from '../helpers/zip.js';

let work = '';
let zip: Uint8Array = new Uint8Array(0);
const SIZE = 16 << 20;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'qfh-zip-stop-'));
  await mkdir(join(work, 'fw'));
  // Incompressible, so the deflated entry is about as large as the image: 64 reads of 256 KiB.
  const image = new Uint8Array(SIZE);
  let x = 0x2545f491;
  for (let i = 0; i < SIZE; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    image[i] = x & 0xff;
  }
  await writeFile(join(work, 'fw', 'system.img'), image);
  await zipFolder(join(work, 'fw'), join(work, 'fw.zip'), { compress: true });
  zip = new Uint8Array(await readFile(join(work, 'fw.zip')));
});
afterAll(() => rm(work, { recursive: true, force: true }));

/** The archive's bytes, counting what is read of them. */
function counted(bytes: Uint8Array) {
  const seen = { bytes: 0 };
  const file = {
    size: bytes.length,
    read: async (position: number, length: number) => {
      seen.bytes += length;
      return bytes.subarray(position, position + length);
    },
  };
  return { file, seen };
}

async function opened() {
  const { file, seen } = counted(zip);
  const archive = await openZipArchive(file, { path: 'fw.zip' });
  const entry = archive.entries.find((e) => e.name === 'system.img') as ZipEntryInfo;
  expect(entry.deflated).toBe(true);
  return { archive, entry, seen, before: seen.bytes };
}

it('read to the end, the entry reads all its compressed bytes (the count below means something)', async () => {
  const { archive, entry, seen, before } = await opened();
  let out = 0;
  for await (const piece of archive.openStream(entry)) out += piece.length;
  expect(out).toBe(SIZE);
  expect(seen.bytes - before).toBeGreaterThanOrEqual(entry.compressedSize);
});

it('stopped after the first piece, it settles and reads no more than a few pieces', async () => {
  const { archive, entry, seen, before } = await opened();
  let out = 0;
  for await (const piece of archive.openStream(entry)) {
    out += piece.length;
    break; // return() on the iterator: what a stopped flash does
  }
  const readAtStop = seen.bytes - before;
  await new Promise((r) => setTimeout(r, 300));
  expect(out).toBeGreaterThan(0);
  expect({
    readAfterStop: seen.bytes - before - readAtStop,
    readBelowAQuarter: readAtStop < entry.compressedSize / 4,
  }).toEqual({ readAfterStop: 0, readBelowAQuarter: true });
}, 20_000);
