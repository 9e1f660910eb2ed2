/**
 * The arithmetic a programmer evaluates in `start_sector`, `num_partition_sectors` and patch
 * `value` attributes: integers (decimal, or hex with `0x`) with the trailing `.` Qualcomm's
 * tools write (`NUM_DISK_SECTORS-33.`), `NUM_DISK_SECTORS`, `+ - * /` with the usual
 * precedence, parentheses, and `CRC32(start_sector, bytes)` over what the disk holds.
 *
 * Written for the simulator alone, on purpose: the host has its own evaluator for the
 * package's expressions, and a simulator sharing it could not catch a host that evaluates
 * them wrongly (the device would agree with the host's mistake).
 *
 * @module
 */

/** What an expression may name. */
export interface DeviceExpressionContext {
  readonly numDiskSectors: bigint;
  /** CRC-32 of `bytes` bytes from sector `start`; absent where the attribute allows none. */
  readonly crc32?: ((start: bigint, bytes: bigint) => bigint) | undefined;
}

/** An expression the device cannot evaluate (the programmer logs it and NAKs). */
export class DeviceExpressionError extends Error {
  override readonly name = 'DeviceExpressionError';
}

/** Evaluates `text`; throws {@link DeviceExpressionError} on anything else. */
export function evaluateOnDevice(text: string, context: DeviceExpressionContext): bigint {
  const tokens = text.match(/0x[0-9a-f]+|\d+\.?|NUM_DISK_SECTORS|CRC32|[-+*/(),]|\S/gi) ?? [];
  let at = 0;
  const peek = (): string | undefined => tokens[at];
  const take = (expected?: string): string => {
    const t = tokens[at++];
    if (t === undefined || (expected !== undefined && t !== expected))
      throw new DeviceExpressionError(`cannot evaluate "${text}"`);
    return t;
  };
  const sum = (): bigint => {
    let value = product();
    for (let op = peek(); op === '+' || op === '-'; op = peek()) {
      take();
      value = op === '+' ? value + product() : value - product();
    }
    return value;
  };
  const product = (): bigint => {
    let value = factor();
    for (let op = peek(); op === '*' || op === '/'; op = peek()) {
      take();
      const right = factor();
      if (op === '/' && right === 0n)
        throw new DeviceExpressionError(`division by zero in "${text}"`);
      value = op === '*' ? value * right : value / right;
    }
    return value;
  };
  const factor = (): bigint => {
    const t = take();
    if (t === '-') return -factor();
    if (t === '(') return closed(sum());
    if (t === 'NUM_DISK_SECTORS') return context.numDiskSectors;
    if (t === 'CRC32') return crc();
    if (/^(0x[0-9a-f]+|\d+\.?)$/i.test(t)) return BigInt(t.replace(/\.$/, ''));
    throw new DeviceExpressionError(`cannot evaluate "${text}"`);
  };
  const closed = (value: bigint): bigint => (take(')'), value);
  const crc = (): bigint => {
    take('(');
    const start = sum();
    take(',');
    const bytes = closed(sum());
    if (!context.crc32) throw new DeviceExpressionError(`CRC32 is not allowed in "${text}"`);
    return context.crc32(start, bytes);
  };
  const value = sum();
  if (at !== tokens.length) throw new DeviceExpressionError(`cannot evaluate "${text}"`);
  return value;
}
