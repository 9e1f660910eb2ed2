/**
 * The simulated programmer's own expression evaluator, on the expressions real packages
 * carry (research/captures.md §2.4: Android rawprogram and patch files), with values worked
 * out by hand, and the malformed ones a programmer refuses.
 */
import { expect, it } from 'vitest';
import { DeviceExpressionError, evaluateOnDevice } from '../../src/sim/device-expression.js';

const calls: [bigint, bigint][] = [];
const context = {
  numDiskSectors: 1000n,
  crc32: (start: bigint, bytes: bigint): bigint => {
    calls.push([start, bytes]);
    return 0xabcdn;
  },
};

it.each([
  ['0', 0n],
  ['6.', 6n],
  ['0x40', 64n],
  ['NUM_DISK_SECTORS-34.', 966n],
  ['NUM_DISK_SECTORS-1', 999n],
  ['(4096*NUM_DISK_SECTORS)-20480.', 4_075_520n],
  ['2+3*4', 14n],
  ['(2+3)*4', 20n],
  ['NUM_DISK_SECTORS/8', 125n],
  ['-5+NUM_DISK_SECTORS', 995n],
])('%s = %s', (text, value) => {
  expect(evaluateOnDevice(text, context)).toBe(value);
});

it('CRC32 takes a sector expression and a byte count, and asks the disk', () => {
  calls.length = 0;
  expect(evaluateOnDevice('CRC32(NUM_DISK_SECTORS-33.,4096)', context)).toBe(0xabcdn);
  expect(evaluateOnDevice('CRC32(1,92)', context)).toBe(0xabcdn);
  expect(calls).toEqual([
    [967n, 4096n],
    [1n, 92n],
  ]);
});

it.each(['', 'NUM_DISK_SECTORS-', 'foo', '1/0', 'CRC32(1,2', '1 2'])('refuses %j', (text) => {
  expect(() => evaluateOnDevice(text, context)).toThrow(DeviceExpressionError);
});

it('refuses CRC32 where the attribute allows none', () => {
  expect(() => evaluateOnDevice('CRC32(1,92)', { numDiskSectors: 8n })).toThrow(
    /CRC32 is not allowed/,
  );
});
