/**
 * A package from files held in memory (what a browser page or a tool hands the core): names
 * as the reader asks for them, nothing outside the package, short reads refused.
 */
import { expect, it } from 'vitest';
import { memorySource } from '../../src/package/memory-source.js';

const bytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => i & 0xff);

it('names files with forward slashes and no dot segments, and reads ranges and streams', async () => {
  const source = memorySource('PKG', {
    'update\\firehose\\rawprogram.xml': bytes(10),
    './md5.txt': bytes(3),
    'update/./big.img': bytes(3 << 20),
    '._junk': bytes(1),
  });
  const listing = await source.list();
  expect(listing.files.map((f) => [f.path, f.size])).toEqual([
    ['md5.txt', 3],
    ['update/big.img', 3 << 20],
    ['update/firehose/rawprogram.xml', 10],
  ]);
  expect(listing.ignored).toEqual(['._junk']);
  const file = await source.open('update/firehose/rawprogram.xml');
  expect([...(await file.read(8, 100))]).toEqual([8, 9]);
  const pieces: number[] = [];
  for await (const p of source.stream('update/big.img', { start: 5, length: (2 << 20) + 1 }))
    pieces.push(p.length);
  expect(pieces).toEqual([1 << 20, 1 << 20, 1]);
});

it('refuses names that leave the package', () => {
  for (const name of ['/etc/passwd', '../x', 'a/../../x', 'C:\\x'])
    expect(() => memorySource('PKG', { [name]: bytes(1) })).toThrow(/not a path inside/);
});

it('refuses a short read from a reader (a file that changed underneath)', async () => {
  const source = memorySource('PKG', {
    'a.img': { size: 100, read: async (_p: number, n: number) => bytes(Math.max(0, n - 1)) },
  });
  const file = await source.open('a.img');
  await expect(file.read(0, 10)).rejects.toMatchObject({ code: 'QFH_PACKAGE_NOT_FOUND' });
});
