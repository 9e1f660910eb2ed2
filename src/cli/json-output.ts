/**
 * JSON rendering for `--json`: BigInts become numbers when exact and strings otherwise,
 * byte arrays become hex, so every document is valid JSON.
 *
 * @module
 */

function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint')
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= -BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  if (value instanceof Uint8Array)
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex');
  if (value instanceof Set) return [...(value as Set<unknown>)];
  if (value instanceof Map) return Object.fromEntries(value as Map<string, unknown>);
  return value;
}

/** `value` as pretty JSON text. */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value, replacer, 2);
}
