/**
 * Inputs for fuzzing the public parsers: random data, and valid samples mutated (bytes
 * flipped, spliced, truncated, duplicated), which reach deeper than random data does.
 */
import fc from 'fast-check';

/** How many cases each parser gets: a few hundred in `npm test`, more in `npm run fuzz`. */
export const RUNS = Number(process.env['QFH_FUZZ_RUNS'] ?? 300);

/** Splices random edits into `sample`. */
export function mutatedBytes(sample: Uint8Array): fc.Arbitrary<Uint8Array> {
  const edit = fc.oneof(
    fc.record({
      kind: fc.constant('flip' as const),
      at: fc.nat(),
      bits: fc.integer({ min: 1, max: 255 }),
    }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
    fc.record({
      kind: fc.constant('insert' as const),
      at: fc.nat(),
      bytes: fc.uint8Array({ maxLength: 16 }),
    }),
    fc.record({
      kind: fc.constant('set32' as const),
      at: fc.nat(),
      value: fc.oneof(fc.constant(0xffffffff), fc.constant(0), fc.nat()),
    }),
  );
  return fc.array(edit, { minLength: 1, maxLength: 6 }).map((edits) => {
    let b = Buffer.from(sample);
    for (const e of edits) {
      const at = b.length === 0 ? 0 : e.at % b.length;
      if (e.kind === 'flip') b[at] = (b[at] ?? 0) ^ e.bits;
      else if (e.kind === 'cut') b = b.subarray(0, at);
      else if (e.kind === 'insert') b = Buffer.concat([b.subarray(0, at), e.bytes, b.subarray(at)]);
      else if (at + 4 <= b.length) b.writeUInt32LE(e.value >>> 0, at);
    }
    return new Uint8Array(b);
  });
}

/** Text edits of `sample`: characters from the grammar's alphabet, spliced anywhere. */
export function mutatedText(sample: string, alphabet: string): fc.Arbitrary<string> {
  const piece = fc
    .array(fc.constantFrom(...alphabet.split('')), { maxLength: 12 })
    .map((a) => a.join(''));
  const edit = fc.tuple(fc.nat(), fc.nat({ max: 8 }), piece);
  return fc.array(edit, { minLength: 1, maxLength: 6 }).map((edits) => {
    let s = sample;
    for (const [at, drop, insert] of edits) {
      const i = s.length === 0 ? 0 : at % s.length;
      s = s.slice(0, i) + insert + s.slice(i + drop);
    }
    return s;
  });
}

/** Random bytes, the sample mutated, and the sample inside a larger buffer (a subarray). */
export function bytesAround(sample: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    fc.uint8Array({ maxLength: 4096 }),
    mutatedBytes(sample),
    // A view into a bigger buffer: a parser must never read past the view's end.
    mutatedBytes(sample).map((b) => {
      const parent = new Uint8Array(b.length + 8192).fill(0x5a);
      parent.set(b);
      return parent.subarray(0, b.length);
    }),
  );
}

/** Random text, the sample mutated, and pathological nesting. */
export function textAround(sample: string, alphabet: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ maxLength: 400 }),
    mutatedText(sample, alphabet),
    fc.integer({ min: 1, max: 100_000 }).map((n) => '('.repeat(n) + '1' + ')'.repeat(n)),
    fc.integer({ min: 1, max: 100_000 }).map((n) => '-'.repeat(n) + '1'),
    fc.integer({ min: 1, max: 20_000 }).map((n) => Array(n).fill('1').join('+')),
  );
}
