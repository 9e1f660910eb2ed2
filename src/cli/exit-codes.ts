/**
 * qfh's exit statuses, stable for scripts (README documents them), and the one mapping from
 * an error to its status: by the outcome its code has in the closed code table, never by
 * comparing message text.
 *
 * @module
 */
import { ERROR_CODES, type ErrorOutcome, type QfhError } from '../errors.js';

export const ExitCode = {
  /** Everything asked for was done. */
  OK: 0,
  /** It failed: a device error, a transfer error, a verify mismatch. */
  FAILURE: 1,
  /** The command line was wrong, or an input it names cannot be read. */
  USAGE: 2,
  /** A safety check refused (a `refuse` finding without its accept flag): nothing was sent. */
  REFUSED: 3,
  /** No device was found (or several, and none was picked). */
  DEVICE_NOT_FOUND: 4,
  /** You answered no when asked to go ahead: nothing was sent. */
  DECLINED: 5,
  /** Stopped by Ctrl-C or SIGTERM at a safe point (128 + SIGINT). */
  INTERRUPTED: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

const BY_OUTCOME: Readonly<Record<ErrorOutcome, ExitCodeValue>> = {
  failure: ExitCode.FAILURE,
  usage: ExitCode.USAGE,
  refused: ExitCode.REFUSED,
  'no-device': ExitCode.DEVICE_NOT_FOUND,
  declined: ExitCode.DECLINED,
  interrupted: ExitCode.INTERRUPTED,
};

/** The exit status of an error. */
export function exitCodeFor(error: QfhError): ExitCodeValue {
  return BY_OUTCOME[ERROR_CODES[error.code].outcome];
}
