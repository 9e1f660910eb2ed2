import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeUsbmonRecord,
  encodeUsbmonRecord,
  LINKTYPE_USB_LINUX,
  LINKTYPE_USB_LINUX_MMAPPED,
} from '../../src/capture/index.js';

/** A bulk IN completion laid out by hand per Documentation/usb/usbmon.rst (struct usbmon_packet). */
function handBuilt(header: 48 | 64, littleEndian: boolean): Uint8Array {
  const data = Uint8Array.from([1, 0, 0, 0, 0x30, 0, 0, 0]);
  const out = new Uint8Array(header + data.length);
  const v = new DataView(out.buffer);
  v.setBigUint64(0, 0xffff8880deadbe00n, littleEndian); // id
  out[8] = 0x43; // 'C'
  out[9] = 3; // bulk
  out[10] = 0x81; // IN endpoint 1
  out[11] = 5; // device address
  v.setUint16(12, 2, littleEndian); // bus
  out[14] = 0x2d; // flag_setup '-'
  out[15] = 0; // flag_data: data follows
  v.setBigInt64(16, 1700000000n, littleEndian);
  v.setInt32(24, 123456, littleEndian);
  v.setInt32(28, 0, littleEndian); // status
  v.setUint32(32, 8, littleEndian); // length
  v.setUint32(36, 8, littleEndian); // len_cap
  if (header === 64) {
    v.setInt32(48, 7, littleEndian); // interval
    v.setInt32(52, 0, littleEndian);
    v.setUint32(56, 0x200, littleEndian); // URB_DIR_IN
    v.setUint32(60, 0, littleEndian);
  }
  out.set(data, header);
  return out;
}

describe('usbmon binary records laid out by hand', () => {
  for (const [linkType, header] of [
    [LINKTYPE_USB_LINUX, 48],
    [LINKTYPE_USB_LINUX_MMAPPED, 64],
  ] as const)
    for (const littleEndian of [true, false])
      it(`decodes a hand-built ${header}-byte record (link type ${linkType}, ${littleEndian ? 'little' : 'big'}-endian) and encodes it back`, () => {
        const bytes = handBuilt(header, littleEndian);
        const r = decodeUsbmonRecord(bytes, { linkType, littleEndian });
        expect(r).toMatchObject({
          id: 0xffff8880deadbe00n,
          event: 'C',
          transferType: 3,
          endpoint: 0x81,
          device: 5,
          bus: 2,
          setup: undefined,
          timestampUs: 1700000000123456,
          status: 0,
          length: 8,
          interval: header === 64 ? 7 : 0,
          transferFlags: header === 64 ? 0x200 : 0,
        });
        expect(Buffer.from(r.data).toString('hex')).toBe('0100000030000000');
        expect(encodeUsbmonRecord(r, { linkType, littleEndian })).toEqual(bytes);
      });

  it('keeps only the captured bytes when the snapshot length cut the record', () => {
    const bytes = handBuilt(64, true).subarray(0, 68);
    const r = decodeUsbmonRecord(bytes, { linkType: 220, littleEndian: true });
    expect(r.length).toBe(8);
    expect(r.data.length).toBe(4);
  });
});

describe('usbmon binary records: malformed records, and round trips of any record', () => {
  it('rejects a record shorter than its header, and an unknown event type', () => {
    expect(() =>
      decodeUsbmonRecord(new Uint8Array(40), { linkType: 189, littleEndian: true }),
    ).toThrow(/shorter than its 48-byte header/);
    const bad = handBuilt(48, true);
    bad[8] = 0x58;
    expect(() => decodeUsbmonRecord(bad, { linkType: 189, littleEndian: true })).toThrow(
      /event type 0x58/,
    );
    expect(() => decodeUsbmonRecord(bad, { linkType: 1, littleEndian: true })).toThrow(
      /not Linux USB/,
    );
  });

  it('encode then decode is the identity for any record (both link types, both byte orders)', () => {
    fc.assert(
      fc.property(
        fc.record({
          id: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
          event: fc.constantFrom('S' as const, 'C' as const, 'E' as const),
          transferType: fc.integer({ min: 1, max: 3 }),
          endpoint: fc.integer({ min: 0, max: 255 }),
          device: fc.integer({ min: 0, max: 127 }),
          bus: fc.integer({ min: 0, max: 65535 }),
          timestampUs: fc.integer({ min: 0, max: 2 ** 50 }),
          status: fc.integer({ min: -200, max: 0 }),
          length: fc.integer({ min: 0, max: 2 ** 31 }),
          data: fc.uint8Array({ maxLength: 64 }),
          interval: fc.integer({ min: 0, max: 255 }),
          transferFlags: fc.integer({ min: 0, max: 2 ** 31 }),
        }),
        fc.boolean(),
        fc.boolean(),
        (record, mmapped, littleEndian) => {
          const linkType = mmapped ? 220 : 189;
          const back = decodeUsbmonRecord(encodeUsbmonRecord(record, { linkType, littleEndian }), {
            linkType,
            littleEndian,
          });
          expect(back).toMatchObject({
            id: record.id,
            event: record.event,
            endpoint: record.endpoint,
            device: record.device,
            bus: record.bus,
            timestampUs: record.timestampUs,
            status: record.status,
            length: record.length,
            interval: mmapped ? record.interval : 0,
            transferFlags: mmapped ? record.transferFlags : 0,
          });
          expect(back.data).toEqual(record.data);
        },
      ),
    );
  });
});
