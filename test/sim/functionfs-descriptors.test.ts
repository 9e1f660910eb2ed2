import { describe, expect, it } from 'vitest';
import {
  edlDescriptors,
  edlStrings,
  parseFunctionFsEvents,
} from '../../src/sim/functionfs-descriptors.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('FunctionFS ep0 blocks for the EDL function (functionfs.h, v2 format)', () => {
  it('descriptors: v2 header, full-speed then high-speed sets of one ff/ff/ff interface, bulk IN then OUT', () => {
    // Laid out by hand from struct usb_functionfs_descs_head_v2 and the USB 2.0 spec, §9.6.5–6:
    // length 0x42 = 20-byte header + 2 × (9 + 7 + 7).
    const header = '03000000' + '42000000' + '03000000' + '03000000' + '03000000';
    const iface = (protocol: string): string => `0904000002ffff${protocol}00`;
    const ep = (address: string, packet: string): string => `0705${address}02${packet}00`;
    const set = (packet: string, protocol = 'ff'): string =>
      iface(protocol) + ep('81', packet) + ep('02', packet);
    expect(hex(edlDescriptors())).toBe(header + set('4000') + set('0002'));
    expect(hex(edlDescriptors({ interfaceProtocol: 0x11 }))).toBe(
      header + set('4000', '11') + set('0002', '11'),
    );
  });

  it('strings: a header that declares no strings and no languages', () => {
    expect(hex(edlStrings())).toBe('02000000' + '10000000' + '00000000' + '00000000');
  });

  it('events: 12-byte records (control request, type, padding), setup decoded', () => {
    const record = (type: number, setup = '0000000000000000'): string =>
      `${setup}${type.toString(16).padStart(2, '0')}000000`;
    const bytes = Buffer.from(
      record(0) + record(2) + record(4, 'c1a5000000000400') + record(3) + record(1) + record(9),
      'hex',
    );
    expect(parseFunctionFsEvents(bytes)).toEqual([
      { type: 'bind' },
      { type: 'enable' },
      { type: 'setup', bmRequestType: 0xc1, bRequest: 0xa5, wLength: 4 },
      { type: 'disable' },
      { type: 'unbind' },
      { type: 'unknown', code: 9 },
    ]);
    expect(parseFunctionFsEvents(bytes.subarray(0, 11))).toEqual([]);
  });
});
