import { expect, it } from 'vitest';
import {
  redactBytes,
  redactText,
  redactValue,
  SerialWatch,
} from '../../src/capture/bundle-redaction.js';

const none = new Set<number>();

it('masks IMEI-, IMSI- and ICCID-shaped digit runs and keeps byte counts and offsets', () => {
  const text =
    'IMEI 866834051234567, IMSI 262011234567890, ICCID 8949022123456789012F; wrote 1073741824000 B at sector 12345678';
  const out = redactText(text, none);
  expect(out).toHaveLength(text.length);
  for (const secret of ['866834051234567', '262011234567890', '8949022123456789012F'])
    expect(out).not.toContain(secret);
  expect(out).toContain('1073741824000 B at sector 12345678');
});

it('masks a serial in each way it is written, and its little-endian bytes, keeping the length', () => {
  const serial = 0x0012abcd;
  const text = 'serial 0x0012abcd, 12ABCD, 0x12abcd, decimal 1223629; not 112ABCD0';
  expect(redactText(text, new Set([serial]))).toBe(
    'serial xxxxxxxxxx, xxxxxx, xxxxxxxx, decimal xxxxxxx; not 112ABCD0',
  );
  const bytes = Uint8Array.from([1, 0xcd, 0xab, 0x12, 0x00, 9, 0x80, 0xff]);
  expect([...redactBytes(bytes, new Set([serial]))]).toEqual([1, 0, 0, 0, 0, 9, 0x80, 0xff]);
  expect(redactValue({ a: [serial, 'x 0x0012abcd'], n: 7 }, new Set([serial]))).toEqual({
    a: [0, 'x xxxxxxxxxx'],
    n: 7,
  });
});

it('learns the serial from a programmer log, getstorageinfo JSON and a device name; ignores tiny ones', () => {
  const watch = new SerialWatch();
  const xml = (v: string) =>
    new TextEncoder().encode(`<?xml version="1.0" ?><data><log value="${v}" /></data>`);
  watch.observe('in', xml('INFO: Chip serial num: 511052090 (0x1e76093a)'), true);
  watch.observe(
    'in',
    xml('INFO: {&quot;storage_info&quot;: {&quot;serial_num&quot;:123456789}}'),
    true,
  );
  watch.text('usb 1-1 05c6:9008 SN:3B090F7D');
  watch.text('  serial:   0x00000000'); // a simulated chip's zero: masking it would mask every 0
  expect([...watch.serials].sort()).toEqual([0x1e76093a, 123456789, 0x3b090f7d].sort());
});

it('masks the relay token in a command line and in advice', () => {
  const line = 'qfh edl-recover fw.zip --relay 3f9c2e0b7d41a6c58e90@192.168.1.1';
  expect(redactText(line, none)).toBe(
    'qfh edl-recover fw.zip --relay xxxxxxxxxxxxxxxxxxxx@192.168.1.1',
  );
});

it('does not read raw image data as text (a flash moves megabytes of it)', () => {
  const watch = new SerialWatch();
  const raw = new TextEncoder().encode('<log value="Chip serial num: 511052090 (0x1e76093a)" />');
  watch.observe('in', raw, false);
  expect(watch.serials.size).toBe(0);
});
