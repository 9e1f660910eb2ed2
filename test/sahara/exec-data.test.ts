import { describe, expect, it } from 'vitest';
import {
  decodeChipIdV3,
  decodeMsmHwId,
  decodePkHash,
  decodeSerial,
  saharaStatusInfo,
  SaharaStatus,
} from '../../src/sahara/index.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));

describe('command-mode replies from real targets (captures.md §1.2, edl.md §1.4)', () => {
  it('reads the edl#67 HW ID as edl splits it', () => {
    const id = decodeMsmHwId(hex('00074201e1600600'.repeat(3)));
    expect(id).toEqual({
      hex: '000660e101420700',
      msmId: 0x0660e1,
      oemId: 0x0142,
      modelId: 0x0700,
    });
  });

  it('reads the edl#635 HW ID', () => {
    expect(decodeMsmHwId(hex('01bf1700e1508000'.repeat(3))).hex).toBe('008050e10017bf01');
  });

  it('reads serials little-endian (edl#732, #229)', () => {
    expect(decodeSerial(hex('7d0f093b'))).toBe(0x3b090f7dn);
    expect(decodeSerial(hex('3a09761e'))).toBe(0x1e76093an);
  });

  it('strips the SHA-256 repeats and SHA-384 padding of a PK hash', () => {
    const sha256 = 'ab'.repeat(32);
    expect(decodePkHash(hex(sha256.repeat(3)))).toBe(sha256);
    const sha384 = 'cd'.repeat(48);
    expect(decodePkHash(hex(sha384 + '00'.repeat(48)))).toBe(sha384);
  });

  it('rebuilds a HW ID from READ_CHIP_ID_V3, taking the second OEM slot when the first is zero', () => {
    const b = new Uint8Array(46);
    const v = new DataView(b.buffer);
    v.setUint32(0, 0x1234, true);
    v.setUint32(36, 0x0a50e1, true);
    v.setUint16(42, 0x0002, true);
    v.setUint16(44, 0x0051, true);
    expect(decodeChipIdV3(b)).toEqual({
      chipIdentifier: 0x1234,
      msmId: 0x0a50e1,
      oemId: 0x51,
      modelId: 2,
      hwIdHex: '000a50e100510002',
    });
  });

  it('rejects short replies with a typed error', () => {
    expect(() => decodeMsmHwId(hex('0007'))).toThrow(/MSM HW ID reply is 2 bytes/);
  });
});

describe('status names (edl.md §1.5: correct, not edl shifted messages)', () => {
  it.each([
    [0x00, 'SUCCESS'],
    [0x01, 'NAK_INVALID_CMD'],
    [0x0d, 'NAK_READ_DATA_ERROR'],
    [0x0e, 'NAK_UNSUPPORTED_NUM_PHDRS'],
    [0x14, 'NAK_INVALID_ELF_HDR'],
    [0x21, 'NAK_HASH_TABLE_AUTH_FAILURE'],
    [0x22, 'NAK_HASH_VERIFICATION_FAILURE'],
    [0x28, 'NAK_HW_BULK_TRANSFER_ERROR'],
    [0x29, 'UNKNOWN_0x29'],
  ])('0x%s is %s', (code, name) => {
    expect(saharaStatusInfo(code).name).toBe(name);
  });

  it('maps names back to codes', () => {
    expect(SaharaStatus['NAK_READ_DATA_ERROR']).toBe(0x0d);
    expect(saharaStatusInfo(0x0d).meaning).toBe('error while transmitting READ_DATA');
  });
});
