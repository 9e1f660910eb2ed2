/**
 * A delta (DFOTA) update over AT, done properly (research/modem.md §3.3): upload with
 * AT+QFUPL in ack mode (an "A" per 1024 bytes), compare the module's checksum of what it
 * received (16-bit XOR of big-endian byte pairs) with the host's before anything is applied,
 * start AT+QFOTADL, and follow `+QIND: "FOTA"` to its END code.
 *
 * @module
 */
import { AtError } from '../errors.js';
import type { AtPort } from './at-port.js';

/** The checksum AT+QFUPL reports for a file. */
export function qfuplChecksum(data: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < data.length; i += 2) sum ^= ((data[i] ?? 0) << 8) | (data[i + 1] ?? 0);
  return sum;
}

/** Progress of a delta update. */
export type FotaProgress =
  | { phase: 'upload'; bytesDone: number; bytesTotal: number }
  | { phase: 'updating'; percent: number };

/** Options for {@link deltaUpdate}. */
export interface FotaOptions {
  onProgress?: (p: FotaProgress) => void;
  /** Where the module keeps uploaded files. @default '/data/ufs/' (fwupd's; some modules use /cache/ufs/) */
  ufsPath?: string;
  /** How long the module may take to apply the update. @default 600000 */
  updateTimeoutMs?: number;
}

/**
 * Uploads `data` as `name` and applies it; resolves when the module reports success. Check
 * the file with `checkDeltaPackage()` (`qfh/package`) first: this sends whatever it is given.
 */
export async function deltaUpdate(
  port: AtPort,
  name: string,
  data: Uint8Array,
  options: FotaOptions = {},
): Promise<void> {
  await port.command(`AT+QFDEL="${name}"`).catch(() => undefined); // a leftover from an earlier attempt
  await port.waitFor(/^CONNECT/, 10_000, `AT+QFUPL="${name}",${data.length},60,1`);
  for (let at = 0; at < data.length; at += 1024) {
    const block = data.subarray(at, at + 1024);
    await port.writeRaw(block);
    if (block.length === 1024) await port.readAcks(1, 'A', 10_000);
    options.onProgress?.({
      phase: 'upload',
      bytesDone: Math.min(at + 1024, data.length),
      bytesTotal: data.length,
    });
  }
  const done = await port.waitFor(/^\+QFUPL:\s*(\d+),([0-9a-fA-F]+)/, 30_000);
  await port.waitFor(/^OK$/, 5000);
  const expected = qfuplChecksum(data);
  if (Number(done[1]) !== data.length || parseInt(done[2] ?? '', 16) !== expected) {
    await port.command(`AT+QFDEL="${name}"`).catch(() => undefined);
    throw new AtError(
      'QFH_FOTA_CHECKSUM',
      `the module received ${done[1]} bytes with checksum ${done[2]}, qfh sent ${data.length} with ${expected.toString(16)}: nothing was applied`,
      {
        hint: 'The USB link corrupted the upload. Try again (another port or cable); the damaged copy was deleted.',
      },
    );
  }
  await port.command(`AT+QFOTADL="${options.ufsPath ?? '/data/ufs/'}${name}"`);
  const deadline = Date.now() + (options.updateTimeoutMs ?? 600_000);
  for (;;) {
    const m = await port
      .waitFor(/^\+QIND:\s*"FOTA",\s*"(\w+)"(?:,\s*(\d+))?/, Math.max(1, deadline - Date.now()))
      .catch((e: unknown) => {
        if (!(e instanceof AtError && e.code === 'QFH_AT_TIMEOUT')) throw e;
        throw new AtError(
          'QFH_AT_TIMEOUT',
          'the module did not report the end of the delta update in time',
          {
            cause: e,
            hint: 'It may still be applying the update or rebooting: do not power it off. Wait a few minutes, then run qfh verify on its AT port.',
          },
        );
      });
    if (m[1] === 'UPDATING') options.onProgress?.({ phase: 'updating', percent: Number(m[2]) });
    if (m[1] === 'END') {
      if (Number(m[2]) === 0) return;
      throw new AtError('QFH_FOTA_FAILED', `the module ended the delta update with error ${m[2]}`, {
        hint: 'A delta applies only to the exact firmware it was made from (AT+QGMR shows it). The module keeps its old firmware; check the delta file matches, then retry or do a full flash.',
      });
    }
  }
}
