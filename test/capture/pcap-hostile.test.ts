/**
 * A capture is a file from anywhere (a forum post, a bug report): whatever its bytes, `qfh
 * inspect` answers with a typed capture error or a session, never an internal error. Blocks
 * that claim less than their fixed fields were read out of bounds (a RangeError, reported as
 * QFH_INTERNAL) before the per-type minimum lengths.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { importUsbmon } from '../../src/capture/index.js';
import { QfhError } from '../../src/errors.js';

const u32 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];

/** A pcapng block: type, the length it claims, a body, and the trailing length. */
const block = (type: number, length: number, body: readonly number[] = []): number[] => {
  const bytes = [...u32(type), ...u32(length), ...body];
  while (bytes.length < length - 4) bytes.push(0);
  return [...bytes.slice(0, Math.max(8, length - 4)), ...u32(length)];
};
const SHB = block(0x0a0d0d0a, 28, [...u32(0x1a2b3c4d), 1, 0, 0, 0, ...Array(8).fill(0xff)]);
const IDB_USB = block(1, 20, [220, 0, 0, 0, ...u32(0)]);

const outcome = (bytes: readonly number[]): string => {
  try {
    importUsbmon(Uint8Array.from(bytes));
    return 'read';
  } catch (e) {
    if (e instanceof QfhError) return e.code;
    throw e;
  }
};

describe('short pcapng blocks', () => {
  const cases: [string, number[]][] = [
    [
      'a section header of 16 bytes, then an interface block of 12',
      [...block(0x0a0d0d0a, 16, u32(0x1a2b3c4d)), ...block(1, 12)],
    ],
    ['an interface block of 12 bytes', [...SHB, ...block(1, 12)]],
    ['an enhanced packet block of 16 bytes', [...SHB, ...IDB_USB, ...block(6, 16)]],
    ['an enhanced packet block of 28 bytes', [...SHB, ...IDB_USB, ...block(6, 28)]],
    ['a simple packet block of 12 bytes', [...SHB, ...IDB_USB, ...block(3, 12)]],
    ['an obsolete packet block of 20 bytes', [...SHB, ...IDB_USB, ...block(2, 20)]],
  ];
  it.each(cases)('%s: QFH_CAPTURE_FORMAT', (_name, bytes) => {
    expect(outcome(bytes)).toBe('QFH_CAPTURE_FORMAT');
  });

  it('any blocks after a section header give a typed answer', () => {
    const anyBlock = fc
      .tuple(
        fc.constantFrom(0x0a0d0d0a, 1, 2, 3, 5, 6),
        fc.integer({ min: 0, max: 24 }).map((n) => n * 4),
        fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 96 }),
      )
      .map(([type, length, body]) => block(type, length, body));
    fc.assert(
      fc.property(fc.array(anyBlock, { maxLength: 4 }), fc.nat(), (blocks, cut) => {
        const bytes = [...SHB, ...IDB_USB, ...blocks.flat()];
        expect(typeof outcome(bytes.slice(0, 48 + (cut % (bytes.length - 47))))).toBe('string');
      }),
      { numRuns: 3000 },
    );
  });
});
