import fc from 'fast-check';
import { expect, it } from 'vitest';
import { ExtentIndex, type Extent } from '../../src/plan/extent-index.js';

const extent = fc
  .record({ lun: fc.integer({ min: 0, max: 2 }), start: fc.integer({ min: 0, max: 200 }) })
  .chain(({ lun, start }) =>
    fc.integer({ min: 1, max: 80 }).map((n): Extent => ({ lun, start, end: start + n })),
  );

it('finds exactly the extents a pairwise comparison finds, in the order they were given', () => {
  fc.assert(
    fc.property(fc.array(extent, { maxLength: 60 }), extent, (extents, probe) => {
      const named = extents.map((e, i) => [`e${i}`, e] as const);
      const expected = named
        .filter(([, e]) => e.lun === probe.lun && e.start < probe.end && probe.start < e.end)
        .map(([key]) => key);
      expect(new ExtentIndex(named).overlapping(probe).map(([key]) => key)).toEqual(expected);
    }),
    { numRuns: 2000 },
  );
});
