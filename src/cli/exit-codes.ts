/**
 * qfh's exit codes, stable for scripts (documented in the README).
 *
 * @module
 */
export const ExitCode = {
  /** Everything asked for was done. */
  OK: 0,
  /** It failed: a device error, a transfer error, or an input file qfh could not read. */
  FAILURE: 1,
  /** The command line was wrong. */
  USAGE: 2,
  /** A safety check refused (a `refuse` finding without its override flag). */
  REFUSED: 3,
  /** No device was found. */
  DEVICE_NOT_FOUND: 4,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
