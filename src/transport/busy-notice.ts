/**
 * The line a device server sends a host it will not serve (qfh simulate already serving
 * another host), before it closes the connection. Without it the host sees only a closed
 * connection, and its advice (power-cycle) would break the flash that holds the device.
 *
 * @module
 */

const PREFIX = 'QFH-BUSY ';

/** The notice for `reason`, one line. */
export function busyNotice(reason: string): Buffer {
  return Buffer.from(`${PREFIX}${reason.replace(/[\r\n]+/g, ' ')}\n`, 'latin1');
}

/** The reason in a busy notice at the start of `bytes`, or `undefined` if it is not one. */
export function busyReason(bytes: Uint8Array): string | undefined {
  const text = Buffer.from(bytes.subarray(0, 512)).toString('latin1');
  if (!text.startsWith(PREFIX)) return undefined;
  return text.slice(PREFIX.length).split('\n')[0]?.trim() ?? '';
}
