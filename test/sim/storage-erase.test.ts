/**
 * NAND storage against a model: a page programmed twice without an erase holds the AND of
 * the two, an erase (whole blocks, as the programmer asks) returns its pages to 0xFF, and
 * bad blocks are left alone. (Which pages count as programmed after an erase cannot show in
 * the data: AND with erased 0xFF bytes is the data itself; the set only lets fresh pages be
 * copied instead of ANDed byte by byte.)
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { Storage } from '../../src/sim/storage/storage.js';

const PAGE = 64;
const PPB = 4;
const BLOCKS = 16;
const BAD = 3;

type Op =
  | { kind: 'write'; sector: number; data: Uint8Array }
  | { kind: 'erase'; block: number; blocks: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc
    .record({
      sector: fc.integer({ min: 0, max: BLOCKS * PPB - 1 }),
      pages: fc.integer({ min: 1, max: 6 }),
      seed: fc.integer({ min: 0, max: 255 }),
    })
    .map(({ sector, pages, seed }) => {
      const n = Math.min(pages, BLOCKS * PPB - sector);
      const data = Uint8Array.from({ length: n * PAGE }, (_, i) => (seed * 31 + i * 7) & 0xff);
      return { kind: 'write' as const, sector, data };
    }),
  fc
    .record({
      block: fc.integer({ min: 0, max: BLOCKS - 1 }),
      blocks: fc.integer({ min: 1, max: BLOCKS }),
    })
    .map(({ block, blocks }) => ({
      kind: 'erase' as const,
      block,
      blocks: Math.min(blocks, BLOCKS - block),
    })),
);

it('programs AND into pages not erased since, erases make them fresh, bad blocks stay', () => {
  fc.assert(
    fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
      const storage = new Storage({
        kind: 'nand',
        sectorSize: PAGE,
        pagesPerBlock: PPB,
        lunSectors: [BLOCKS * PPB],
        badBlocks: [BAD],
      });
      const flat = new Uint8Array(BLOCKS * PPB * PAGE).fill(0xff);
      const programmed = new Set<number>();
      for (const o of ops) {
        if (o.kind === 'write') {
          storage.write(0, o.sector, o.data);
          for (let p = 0; p < o.data.length / PAGE; p++) {
            const page = o.sector + p;
            for (let i = 0; i < PAGE; i++) {
              const at = page * PAGE + i;
              const b = o.data[p * PAGE + i] ?? 0;
              flat[at] = programmed.has(page) ? (flat[at] ?? 0) & b : b;
            }
            programmed.add(page);
          }
        } else {
          storage.erase(0, o.block * PPB, o.blocks * PPB);
          for (let block = o.block; block < o.block + o.blocks; block++) {
            if (block === BAD) continue;
            for (let page = block * PPB; page < (block + 1) * PPB; page++) programmed.delete(page);
            flat.fill(0xff, block * PPB * PAGE, (block + 1) * PPB * PAGE);
          }
        }
      }
      expect(Buffer.from(storage.read(0, 0, BLOCKS * PPB)).equals(flat)).toBe(true);
    }),
    { numRuns: 400 },
  );
});
