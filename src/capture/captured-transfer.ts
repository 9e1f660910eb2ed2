/**
 * The one in-memory form of a captured session, whatever it came from (a usbmon capture, a
 * qfh capture file, a debug bundle): its USB transfers in order. Turned into a device script
 * for {@link ReplayTransport}: the device's transfers are served as they were, the host's are
 * checked byte for byte (only the kept prefix of a transfer the capture cut short).
 *
 * @module
 */
import { CaptureError } from '../errors.js';
import type { ScriptStep } from './script.js';

/** One USB transfer of a session. */
export interface CapturedTransfer {
  /** 1-based position among the session's transfers. */
  readonly index: number;
  readonly dir: 'in' | 'out';
  /** Milliseconds since the session's first transfer. */
  readonly t: number;
  /** The bytes the capture kept. */
  readonly data: Uint8Array;
  /** Bytes on the wire: more than `data.length` when the capture cut the transfer short. */
  readonly length: number;
}

/**
 * The device script of a session: one step per transfer, so a replay's step number is the
 * transfer's index.
 * @throws CaptureError when a device transfer was cut short: the replay could not serve it.
 */
export function transfersToScript(transfers: readonly CapturedTransfer[]): ScriptStep[] {
  return transfers.map((t): ScriptStep => {
    if (t.data.length >= t.length) return { dir: t.dir, data: t.data };
    if (t.dir === 'out') return { dir: 'out-prefix', prefix: t.data, length: t.length };
    throw new CaptureError(
      'QFH_CAPTURE_TRUNCATED',
      `transfer ${t.index} (in) kept ${t.data.length} of its ${t.length} bytes: a replay cannot serve what the device sent`,
      {
        hint: 'Capture with no snapshot limit (`tcpdump -i usbmonN -s 0`, or `dumpcap -s 0`) so every device transfer is kept whole.',
      },
    );
  });
}
