import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseGpt, parseMibib } from '../../src/package/index.js';
import {
  decodeChipIdV3,
  decodeMsmHwId,
  decodePkHash,
  decodeSerial,
  parseElf,
} from '../../src/sahara/index.js';
import { QfhError } from '../../src/errors.js';

/** Random bytes, and random bytes wearing each format's magic where its decoder looks for it. */
const withMagic = (magic: number[], at: number) =>
  fc.uint8Array({ minLength: 0, maxLength: 20000 }).map((b) => {
    if (b.length >= at + magic.length) b.set(magic, at);
    return b;
  });
const EFI = [...Buffer.from('EFI PART')];
const MIBIB = [0xac, 0x9f, 0x56, 0xfe, 0x7a, 0x12, 0x7f, 0xcd];
const TABLE = [0xaa, 0x73, 0xee, 0x55, 0xdb, 0xbd, 0x5e, 0xe3];

function neverCrashes(decode: (b: Uint8Array) => unknown, inputs: fc.Arbitrary<Uint8Array>): void {
  fc.assert(
    fc.property(inputs, (bytes) => {
      try {
        decode(bytes);
      } catch (e) {
        expect(e).toBeInstanceOf(QfhError);
      }
    }),
    { numRuns: 500 },
  );
}

describe('table and image decoders on garbage: a result or a QfhError, never a crash', () => {
  it('GPT', () =>
    neverCrashes(
      parseGpt,
      fc.oneof(fc.uint8Array({ maxLength: 2000 }), withMagic(EFI, 512), withMagic(EFI, 4096)),
    ));
  it('MIBIB', () =>
    neverCrashes(
      parseMibib,
      fc.oneof(
        withMagic(MIBIB, 0),
        withMagic(MIBIB, 0).map((b) => {
          if (b.length >= 2056) b.set(TABLE, 2048);
          return b;
        }),
      ),
    ));
  it('ELF', () =>
    neverCrashes(
      parseElf,
      fc.oneof(
        fc.uint8Array({ maxLength: 300 }),
        withMagic([0x7f, 0x45, 0x4c, 0x46, 1, 1], 0),
        withMagic([0x7f, 0x45, 0x4c, 0x46, 2, 1], 0),
      ),
    ));
  it('command-mode replies', () => {
    for (const decode of [decodeSerial, decodeMsmHwId, decodePkHash, decodeChipIdV3])
      neverCrashes(decode, fc.uint8Array({ maxLength: 120 }));
  });
});
