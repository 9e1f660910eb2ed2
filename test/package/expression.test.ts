import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  evaluateExpression,
  expressionNeeds,
  parseExpression,
  parsePatchList,
  parseProgramList,
  parseMd5Manifest,
  parseContentsManifest,
} from '../../src/package/index.js';
import { ExpressionError, QfhError } from '../../src/errors.js';

const N = 30_535_680n;
const ev = (text: string, ctx = {}): bigint =>
  evaluateExpression(parseExpression(text), {
    NUM_DISK_SECTORS: N,
    NUM_DISK_BLOCKS: 2048n,
    ...ctx,
  });

describe('rawprogram/patch expressions: values, CRC32 calls, what an expression needs', () => {
  it.each([
    ['NUM_DISK_SECTORS-33.', N - 33n],
    ['NUM_DISK_SECTORS-1', N - 1n],
    ['NUM_DISK_SECTORS-1.', N - 1n],
    ['NUM_DISK_BLOCKS-1458.', 590n],
    ['(512*NUM_DISK_SECTORS)-16896.', 512n * N - 16896n],
    ['(4096*NUM_DISK_SECTORS)-20480.', 4096n * N - 20480n],
    ['13952', 13952n],
    ['0x10', 16n],
    ['  7 + 3 * 2 ', 13n],
    ['(7 + 3) * 2', 20n],
    ['10 / 3', 3n],
    ['-4 + 10', 6n],
  ])('%s = %s', (text, value) => {
    expect(ev(text)).toBe(value);
  });

  it('evaluates CRC32(start,len) through the caller, with expression arguments', () => {
    const calls: [bigint, bigint][] = [];
    const crc32 = (s: bigint, l: bigint): bigint => {
      calls.push([s, l]);
      return 0xabcdn;
    };
    expect(ev('CRC32(NUM_DISK_SECTORS-33.,4096)', { crc32 })).toBe(0xabcdn);
    expect(ev('CRC32(2,4096)', { crc32 })).toBe(0xabcdn);
    expect(calls).toEqual([
      [N - 33n, 4096n],
      [2n, 4096n],
    ]);
  });

  it('reports what an expression needs, and flags bare multi-digit numbers in arithmetic (Trace32 reads them as hex)', () => {
    // A lone CRC32 argument is decimal in every ptool package (92: the GPT header's size;
    // 4096: two 2 KiB NAND pages), so it is not flagged; an operand of arithmetic is.
    expect(expressionNeeds(parseExpression('CRC32(NUM_DISK_SECTORS-1.,92)'))).toEqual({
      names: new Set(['NUM_DISK_SECTORS']),
      crc32: true,
      ambiguous: false,
    });
    expect(expressionNeeds(parseExpression('CRC32(0,4096)')).ambiguous).toBe(false);
    expect(expressionNeeds(parseExpression('CRC32(NUM_DISK_SECTORS-33,4096)')).ambiguous).toBe(
      true,
    );
    expect(expressionNeeds(parseExpression('CRC32(0,4096+16)')).ambiguous).toBe(true);
    expect(expressionNeeds(parseExpression('NUM_DISK_SECTORS-33.')).ambiguous).toBe(false);
    expect(expressionNeeds(parseExpression('NUM_DISK_SECTORS-33')).ambiguous).toBe(true);
    expect(expressionNeeds(parseExpression('NUM_DISK_SECTORS-1')).ambiguous).toBe(false);
    expect(expressionNeeds(parseExpression('13952')).ambiguous).toBe(false);
  });
});

describe('rawprogram/patch expressions: rejections, ranges, random arithmetic', () => {
  it.each([
    ['', 'QFH_EXPRESSION_SYNTAX'],
    ['NUM_DISK_SECTORS-', 'QFH_EXPRESSION_SYNTAX'],
    ['(1+2', 'QFH_EXPRESSION_SYNTAX'],
    ['1 2', 'QFH_EXPRESSION_SYNTAX'],
    ['require("fs")', 'QFH_EXPRESSION_SYNTAX'],
    ['process.exit(1)', 'QFH_EXPRESSION_SYNTAX'],
    ['process+1', 'QFH_EXPRESSION_UNKNOWN_NAME'],
    ['NUM_DISK_BYTES-1', 'QFH_EXPRESSION_UNKNOWN_NAME'],
    ['1;2', 'QFH_EXPRESSION_SYNTAX'],
    ['2.5', 'QFH_EXPRESSION_SYNTAX'],
  ])('rejects %j with %s (never evaluated as code)', (text, code) => {
    expect(() => parseExpression(text)).toThrow(expect.objectContaining({ code }));
  });

  it('needs the disk size to evaluate NUM_DISK_SECTORS, and refuses negative and /0 results', () => {
    expect(() => evaluateExpression(parseExpression('NUM_DISK_SECTORS-1'), {})).toThrow(
      /storage info/,
    );
    expect(() => ev('1-2')).toThrow(expect.objectContaining({ code: 'QFH_EXPRESSION_RANGE' }));
    expect(() => ev('1/0')).toThrow(expect.objectContaining({ code: 'QFH_EXPRESSION_RANGE' }));
  });

  it('agrees with plain arithmetic on random expressions', () => {
    const leaf = fc.bigInt({ min: 0n, max: 1000000n }).map((v) => ({ text: `${v}.`, value: v }));
    const tree = fc.letrec<{ e: { text: string; value: bigint } }>((tie) => ({
      e: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.tuple(tie('e'), fc.constantFrom('+', '-', '*'), tie('e')).map(([a, op, b]) => ({
          text: `(${a.text}${op}${b.text})`,
          value:
            op === '+' ? a.value + b.value : op === '-' ? a.value - b.value : a.value * b.value,
        })),
      ),
    })).e;
    fc.assert(
      fc.property(tree, ({ text, value }) => {
        if (value < 0n) expect(() => ev(text)).toThrow(ExpressionError);
        else expect(ev(text)).toBe(value);
      }),
    );
  });
});

describe('package parsers never crash on garbage', () => {
  const xmlish = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc
      .array(
        fc.constantFrom(
          '<data>',
          '</data>',
          '<patches>',
          '</patches>',
          '<program ',
          '<patch ',
          'start_sector="',
          'NUM_DISK_SECTORS-',
          '1.',
          '"',
          '/>',
          '<contents>',
          '</contents>',
          'FILE:',
          '\\update\\a:',
          '0123456789abcdef0123456789abcdef',
          '\r\n',
          ' ',
          'value="CRC32(',
          ')',
        ),
        { maxLength: 30 },
      )
      .map((a) => a.join('')),
  );
  it('rawprogram, patch, md5 and contents readers: a result or a QfhError', () => {
    fc.assert(
      fc.property(xmlish, (text) => {
        for (const parse of [
          parseProgramList,
          parsePatchList,
          parseMd5Manifest,
          parseContentsManifest,
        ]) {
          try {
            parse(text);
          } catch (e) {
            expect(e).toBeInstanceOf(QfhError);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });
});
