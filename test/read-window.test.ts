import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readWindow } from '../src/read-window.js';

/** A file in memory, read the way the window reads it, counting the reads. */
function file(bytes: Uint8Array): {
  readAt: (position: number, length: number) => Promise<Uint8Array>;
  reads: () => number;
} {
  let reads = 0;
  return {
    readAt: (position, length) => {
      reads++;
      // A copy, as a file read is: a window must not depend on aliasing the source.
      return Promise.resolve(Uint8Array.from(bytes.subarray(position, position + length)));
    },
    reads: () => reads,
  };
}

describe('the programmer read window', () => {
  it('answers every request with the file bytes at that offset, in any order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 1, max: 1200 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 2000 })), { maxLength: 40 }),
        async (size, windowBytes, requests) => {
          const bytes = Uint8Array.from(randomBytes(size));
          const f = file(bytes);
          const read = readWindow(size, f.readAt, windowBytes);
          const kept: [Uint8Array, Uint8Array][] = [];
          for (const [at, length] of requests) {
            const position = at % size;
            const got = await read(position, length);
            const expected = bytes.subarray(position, Math.min(size, position + length));
            expect(got).toEqual(expected);
            kept.push([got, expected]);
          }
          // Pieces handed out earlier still hold their bytes after later windows were read.
          for (const [got, expected] of kept) expect(got).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reads an SDX55-sized programmer in three reads, not one per 4 KiB request', async () => {
    // The request pattern of captures.md §1.3 (linux-msm/qdl#76): ELF header, program
    // headers, hash segment, a jump to the end, then back for the load segments in 4 KiB
    // requests: one window, one for the end, one for the rest.
    const size = 0x42580 + 0x800;
    const f = file(Uint8Array.from(randomBytes(size)));
    const read = readWindow(size, f.readAt, 256 * 1024);
    const requests: [number, number][] = [
      [0x0, 0x34],
      [0x34, 0x120],
      [0x1000, 0x1000],
      [0x2000, 0xa48],
      [size - 0x1000, 0x1000],
    ];
    for (let at = 0x3000; at < size; at += 0x1000) requests.push([at, Math.min(0x1000, size - at)]);
    for (const [at, length] of requests) await read(at, length);
    expect(requests.length).toBeGreaterThan(60);
    expect(f.reads()).toBe(3);
  });
});

it('keeps serving the right bytes after a read of the source failed', async () => {
  const bytes = Uint8Array.from(randomBytes(10_000));
  const f = file(bytes);
  let failNext = false;
  const read = readWindow(
    bytes.length,
    (position, length) =>
      failNext
        ? ((failNext = false), Promise.reject(new Error('EIO')))
        : f.readAt(position, length),
    1000,
  );
  expect(await read(0, 100)).toEqual(bytes.subarray(0, 100));
  failNext = true;
  await expect(read(5000, 100)).rejects.toThrow('EIO');
  // The same request again must read the source, not take the old window for the new one.
  expect(await read(5000, 100)).toEqual(bytes.subarray(5000, 5100));
  expect(await read(200, 100)).toEqual(bytes.subarray(200, 300));
});

it('keeps its window when the source reuses one buffer for every read', async () => {
  const bytes = Uint8Array.from(randomBytes(10_000));
  const scratch = new Uint8Array(3000);
  const reusing = (position: number, length: number): Promise<Uint8Array> => {
    const view = length <= scratch.length ? scratch.subarray(0, length) : new Uint8Array(length);
    view.set(bytes.subarray(position, position + length));
    return Promise.resolve(view);
  };
  const read = readWindow(bytes.length, reusing, 1000);
  expect(await read(0, 100)).toEqual(bytes.subarray(0, 100));
  // Longer than the window: a longer window, read into the buffer the source reuses.
  expect(await read(4000, 2500)).toEqual(bytes.subarray(4000, 6500));
  expect(await read(100, 100)).toEqual(bytes.subarray(100, 200));
});
