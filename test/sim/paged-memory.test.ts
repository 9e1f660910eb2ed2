import fc from 'fast-check';
import { expect, it } from 'vitest';
import { PagedMemory } from '../../src/sim/storage/paged-memory.js';

const SIZE = 64 * 1024;
const PAGE = 4096;

type Op =
  | { kind: 'write'; offset: number; data: Uint8Array; and: boolean }
  | { kind: 'erase'; offset: number; length: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc
    .record({
      offset: fc.integer({ min: 0, max: SIZE - 1 }),
      data: fc.uint8Array({ minLength: 1, maxLength: 3 * PAGE }),
      and: fc.boolean(),
    })
    .map(({ offset, data, and }) => ({
      kind: 'write' as const,
      offset,
      data: data.subarray(0, SIZE - offset),
      and,
    })),
  fc
    .record({
      offset: fc.integer({ min: 0, max: SIZE - 1 }),
      // Short erases, and long ones that span more pages than are held (the two ways erase walks).
      length: fc.oneof(fc.integer({ min: 0, max: 4 * PAGE }), fc.integer({ min: 0, max: SIZE })),
    })
    .map(({ offset, length }) => ({
      kind: 'erase' as const,
      offset,
      length: Math.min(length, SIZE - offset),
    })),
);

it('reads, spans and isErased agree with a flat array after any writes and erases (pages reused)', () => {
  fc.assert(
    fc.property(fc.constantFrom(0x00, 0xff), fc.array(op, { maxLength: 40 }), (erased, ops) => {
      const memory = new PagedMemory(SIZE, PAGE, erased);
      const flat = new Uint8Array(SIZE).fill(erased);
      for (const o of ops) {
        if (o.kind === 'erase') {
          memory.erase(o.offset, o.length);
          flat.fill(erased, o.offset, o.offset + o.length);
        } else {
          memory.write(o.offset, o.data, o.and ? 'and' : 'replace');
          o.data.forEach((b, i) => {
            flat[o.offset + i] = o.and ? (flat[o.offset + i] ?? 0) & b : b;
          });
        }
      }
      expect(Buffer.from(memory.read(0, SIZE)).equals(flat)).toBe(true);
      const spans = [...memory.spans(1000, SIZE - 3000)];
      expect(Buffer.concat(spans).equals(flat.subarray(1000, SIZE - 2000))).toBe(true);
      for (const [start, length] of [
        [0, SIZE],
        [PAGE, 2 * PAGE],
        [123, 4567],
      ] as const)
        expect(memory.isErased(start, length)).toBe(
          flat.subarray(start, start + length).every((b) => b === erased),
        );
    }),
    { numRuns: 300 },
  );
});
