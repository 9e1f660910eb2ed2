import { expect, it } from 'vitest';
import { redactBytes, redactText, redactValue } from '../../src/capture/bundle-redaction.js';

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
