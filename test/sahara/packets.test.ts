import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  decodeSaharaPacket,
  encodeSaharaPacket,
  peekSaharaHeader,
  SAHARA_COMMANDS,
  type SaharaPacket,
} from '../../src/sahara/index.js';
import { QfhError, SaharaPacketError } from '../../src/errors.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const Z6 = [0, 0, 0, 0, 0, 0] as const;

/**
 * Real packets, hex copied verbatim from research/captures.md §1.2 and research/edl.md
 * appendix A (sources there: bkerler/edl issues, openpst/sahara issues). The two READ_DATA rows
 * are rebuilt from the decoded (image, offset, length) triples QFirehose logged for real
 * Quectel modules, in the layout edl's beagle_to_loader.py row shows.
 */
const FIXTURES: { source: string; bytes: string; packet: SaharaPacket }[] = [
  {
    source: 'edl#398 OnePlus 6 HELLO (captures.md §1.2, edl.md A #398/#674)',
    bytes:
      '010000003000000002000000010000000004000000000000000000000000000000000000000000000000000000000000',
    packet: {
      type: 'hello',
      version: 2,
      versionSupported: 1,
      maxCommandLength: 0x400,
      mode: 0,
      reserved: Z6,
    },
  },
  {
    source: 'edl#585 HELLO_RESP into command mode, reserved 1..6 (edl quirk)',
    bytes:
      '020000003000000002000000010000000000000003000000010000000200000003000000040000000500000006000000',
    packet: {
      type: 'helloResponse',
      version: 2,
      versionSupported: 1,
      status: 0,
      mode: 3,
      reserved: [1, 2, 3, 4, 5, 6],
    },
  },
  { source: 'edl#585 CMD_READY', bytes: '0b00000008000000', packet: { type: 'commandReady' } },
  {
    source: 'edl#67 EXECUTE OEM_PK_HASH',
    bytes: '0d0000000c00000003000000',
    packet: { type: 'execute', clientCommand: 3 },
  },
  {
    source: 'edl#67/#229/#732 EXECUTE MSM_HW_ID',
    bytes: '0d000000 0c000000 02000000',
    packet: { type: 'execute', clientCommand: 2 },
  },
  {
    source: 'edl#398 EXECUTE_RSP, 0x18 bytes follow',
    bytes: '0e000000100000000200000018000000',
    packet: { type: 'executeResponse', clientCommand: 2, dataLength: 0x18 },
  },
  {
    source: 'edl#398 EXECUTE_DATA',
    bytes: '0f0000000c00000002000000',
    packet: { type: 'executeData', clientCommand: 2 },
  },
  {
    source:
      'openpst#6 Quectel SC20 (MSM8909) refusing command mode: END_IMAGE_TX image 0x0d status 1',
    bytes: '04 00 00 00 10 00 00 00  0d 00 00 00 01 00 00 00',
    packet: { type: 'endImageTx', imageId: 0x0d, status: 1 },
  },
  {
    source: 'edl#342 SWITCH_MODE(3)',
    bytes: '0c000000 0c000000 03000000',
    packet: { type: 'switchMode', mode: 3 },
  },
  {
    source: 'edl#342 HELLO again in mode 3',
    bytes: '01000000 30000000 02000000 01000000 00040000 03000000' + '00'.repeat(24),
    packet: {
      type: 'hello',
      version: 2,
      versionSupported: 1,
      maxCommandLength: 0x400,
      mode: 3,
      reserved: Z6,
    },
  },
  {
    source: 'QFirehose RM500Q log READ_DATA 0x0000000d 0x0002b000 0x00000578',
    bytes: '03000000 14000000 0d000000 00b00200 78050000',
    packet: { type: 'readData', imageId: 13, offset: 0x2b000, length: 0x578 },
  },
  {
    source: 'beagle_to_loader.py READ_DATA_64 for image 13',
    bytes: '12000000 20000000 0d00000000000000 0010000000000000 0010000000000000',
    packet: { type: 'readData64', imageId: 13n, offset: 0x1000n, length: 0x1000n },
  },
];

describe('Sahara packet codec: real packets both ways', () => {
  for (const row of FIXTURES) {
    it(`decodes and re-encodes ${row.source}`, () => {
      const bytes = hex(row.bytes);
      expect(decodeSaharaPacket(bytes)).toEqual(row.packet);
      expect(Buffer.from(encodeSaharaPacket(row.packet)).toString('hex')).toBe(
        Buffer.from(bytes).toString('hex'),
      );
    });
  }

  it('matches the prefix of openpst#7 HELLO_RESP (v2, compatible 1, status 0)', () => {
    const encoded = encodeSaharaPacket({
      type: 'helloResponse',
      version: 2,
      versionSupported: 1,
      status: 0,
      mode: 0,
      reserved: Z6,
    });
    expect(Buffer.from(encoded.subarray(0, 20)).toString('hex')).toBe(
      '0200000030000000020000000100000000000000',
    );
  });

  it('keeps WRITE_DATA (0x14, v3) body opaque but exact', () => {
    const bytes = hex('14000000 0c000000 deadbeef');
    const packet = decodeSaharaPacket(bytes);
    expect(packet).toEqual({ type: 'writeData', body: hex('deadbeef') });
    expect(encodeSaharaPacket(packet)).toEqual(bytes);
  });

  it('has a decoder for every command 0x01–0x14', () => {
    expect([...SAHARA_COMMANDS.keys()]).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });
});

describe('Sahara packet codec: bad input', () => {
  const cases: [string, string, string][] = [
    ['empty', '', 'QFH_SAHARA_TRUNCATED'],
    ['header cut', '010000003000', 'QFH_SAHARA_TRUNCATED'],
    [
      'HELLO cut at 20 of 48 bytes',
      '0100000030000000020000000100000000040000',
      'QFH_SAHARA_TRUNCATED',
    ],
    ['unknown command 0x15', '1500000008000000', 'QFH_SAHARA_UNKNOWN_COMMAND'],
    [
      'Firehose XML where Sahara was expected',
      Buffer.from('<?xml version').toString('hex'),
      'QFH_SAHARA_UNKNOWN_COMMAND',
    ],
    ['READ_DATA with HELLO length', '03000000300000000d000000', 'QFH_SAHARA_BAD_LENGTH'],
    ['DONE with length 12', '050000000c00000000000000', 'QFH_SAHARA_BAD_LENGTH'],
  ];
  for (const [name, bytes, code] of cases) {
    it(`rejects ${name} with ${code}`, () => {
      const err = (() => {
        try {
          decodeSaharaPacket(hex(bytes));
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(err).toBeInstanceOf(SaharaPacketError);
      expect((err as SaharaPacketError).code).toBe(code);
      expect((err as SaharaPacketError).hint).not.toBe('');
    });
  }

  it('peeks the header without decoding', () => {
    expect(peekSaharaHeader(hex('0300000014000000'))).toEqual({ command: 3, length: 20 });
    expect(peekSaharaHeader(hex('03000000'))).toBeUndefined();
  });
});

const u32 = fc.nat({ max: 0xffffffff });
const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const reserved = fc.tuple(u32, u32, u32, u32, u32, u32);
const arbPacket: fc.Arbitrary<SaharaPacket> = fc.oneof(
  fc.record({
    type: fc.constant('hello' as const),
    version: u32,
    versionSupported: u32,
    maxCommandLength: u32,
    mode: u32,
    reserved,
  }),
  fc.record({
    type: fc.constant('helloResponse' as const),
    version: u32,
    versionSupported: u32,
    status: u32,
    mode: u32,
    reserved,
  }),
  fc.record({ type: fc.constant('readData' as const), imageId: u32, offset: u32, length: u32 }),
  fc.record({ type: fc.constant('endImageTx' as const), imageId: u32, status: u32 }),
  fc.constantFrom<SaharaPacket>(
    { type: 'done' },
    { type: 'reset' },
    { type: 'resetResponse' },
    { type: 'commandReady' },
    { type: 'resetStateMachine' },
  ),
  fc.record({ type: fc.constant('doneResponse' as const), imageTxStatus: u32 }),
  fc.record({ type: fc.constant('memoryDebug' as const), tableAddress: u32, tableLength: u32 }),
  fc.record({ type: fc.constant('memoryRead' as const), address: u32, length: u32 }),
  fc.record({ type: fc.constant('switchMode' as const), mode: u32 }),
  fc.record({ type: fc.constant('execute' as const), clientCommand: u32 }),
  fc.record({ type: fc.constant('executeResponse' as const), clientCommand: u32, dataLength: u32 }),
  fc.record({ type: fc.constant('executeData' as const), clientCommand: u32 }),
  fc.record({ type: fc.constant('memoryDebug64' as const), tableAddress: u64, tableLength: u64 }),
  fc.record({ type: fc.constant('memoryRead64' as const), address: u64, length: u64 }),
  fc.record({ type: fc.constant('readData64' as const), imageId: u64, offset: u64, length: u64 }),
  fc.record({ type: fc.constant('writeData' as const), body: fc.uint8Array({ maxLength: 64 }) }),
);

describe('Sahara packet codec: properties', () => {
  it('decode(encode(p)) = p for every packet', () => {
    fc.assert(
      fc.property(arbPacket, (p) => {
        expect(decodeSaharaPacket(encodeSaharaPacket(p))).toEqual(p);
      }),
    );
  });

  it('never crashes on random or truncated bytes: a packet or a QfhError', () => {
    const anyBytes = fc.oneof(
      fc.uint8Array({ maxLength: 80 }),
      arbPacket.chain((p) => {
        const bytes = encodeSaharaPacket(p);
        return fc.nat({ max: bytes.length }).map((n) => bytes.subarray(0, n));
      }),
    );
    fc.assert(
      fc.property(anyBytes, (bytes) => {
        try {
          decodeSaharaPacket(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(QfhError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
