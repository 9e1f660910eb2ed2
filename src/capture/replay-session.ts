/**
 * Runs a host (qfh's own Sahara upload and Firehose session, or any function of a Transport)
 * against a recorded device and says where it left the recording: the first transfer that
 * differs (its index, direction and byte), and the device transfer the host had read last, the
 * one it was reacting to. A device transfer the host never read is not a divergence: the host
 * may close without draining late logs.
 *
 * @module
 */
import { ReplayMismatchError, ReplayTransport } from './replay.js';
import type { ScriptStep } from './script.js';
import type { Transport } from '../transport/transport.js';

/** Where the host left the recording. */
export interface ReplayDivergence {
  /** 1-based transfer (script step) where the host and the recording part. */
  readonly transfer: number;
  /** `end`: the host went on after the recording ended. */
  readonly dir: ScriptStep['dir'] | 'end';
  /** Byte within that transfer. */
  readonly offset: number;
  /** The device transfer the host read last, when it had read any. */
  readonly afterDeviceTransfer: number | undefined;
  /** One line saying all of the above and what the host did. */
  readonly message: string;
  readonly cause: unknown;
}

/** What a replay showed. */
export interface ReplayResult {
  readonly divergence: ReplayDivergence | undefined;
  /** Device transfers left unread at the end (late logs the host did not wait for). */
  readonly unreadDeviceTransfers: number;
  /** What the host function returned, when it finished. */
  readonly value: unknown;
}

/** Replays `steps` against `host`. */
export async function replayAgainstHost(
  steps: readonly ScriptStep[],
  host: (transport: Transport) => Promise<unknown>,
  description = 'replay',
): Promise<ReplayResult> {
  const replay = new ReplayTransport(steps, description);
  let value: unknown;
  let cause: unknown;
  try {
    value = await host(replay);
  } catch (e) {
    cause = e;
  }
  const position = cause instanceof ReplayMismatchError ? cause.position : undefined;
  const at = position ?? replay.position;
  const left = steps.slice(at.step - 1);
  const hostLeft = left.some((s) => s.dir !== 'in' && !isEmptyHostStep(s));
  if (cause === undefined && !hostLeft)
    return {
      divergence: undefined,
      unreadDeviceTransfers: left.filter((s) => s.dir === 'in').length,
      value,
    };
  const after =
    at.lastDeviceStep === undefined
      ? ''
      : `, after device transfer ${at.lastDeviceStep} (the last one the host read)`;
  const what =
    cause instanceof ReplayMismatchError
      ? cause.message
      : cause !== undefined
        ? `the host failed: ${cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)}`
        : `the host finished while the recording still expects ${left.filter((s) => s.dir !== 'in').length} host transfers`;
  return {
    divergence: {
      transfer: at.step,
      dir: at.dir,
      offset: at.offset,
      afterDeviceTransfer: at.lastDeviceStep,
      message: `diverged at transfer ${at.step} (${at.dir}, byte ${at.offset})${after}: ${what}`,
      cause,
    },
    unreadDeviceTransfers: 0,
    value,
  };
}

function isEmptyHostStep(s: ScriptStep): boolean {
  return (s.dir === 'out' && s.data.length === 0) || (s.dir === 'out-prefix' && s.length === 0);
}
