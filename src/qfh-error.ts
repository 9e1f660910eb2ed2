/**
 * The base of the qfh error family: a stable machine-readable `code` (a closed set,
 * `error-codes.ts`), a human `message` saying what happened, and a `hint` saying what the
 * user can do about it. Families subclass it so callers can `instanceof` the family and
 * switch on the code within it. Import errors from `errors.ts`, which gathers them.
 *
 * @module
 */
import type { QfhErrorCode } from './error-codes.js';

/** Options shared by every qfh error. */
export interface QfhErrorOptions {
  /** What the user can do next. Shown under the message by the CLI. */
  hint?: string;
  /** The lower-level error this one explains. */
  cause?: unknown;
}

/** Base of every error qfh throws. */
export class QfhError extends Error {
  /**
   * The class's name, stated, since `name` is part of the `--json` contract and a minifier
   * renames classes (keeping every name in the bundle cost 2 MiB of memory at run time).
   */
  static readonly errorName: string = 'QfhError';
  /** Stable identifier, e.g. `QFH_SPARSE_TRUNCATED`. Never changes between releases. */
  readonly code: QfhErrorCode;
  /** What to do next, in one or two sentences. */
  readonly hint: string;

  constructor(code: QfhErrorCode, message: string, options: QfhErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = (new.target as typeof QfhError).errorName;
    this.code = code;
    this.hint = options.hint ?? '';
  }

  /** Plain-object form for `--json` output and logs. */
  toJSON(): { name: string; code: QfhErrorCode; message: string; hint: string } {
    return { name: this.name, code: this.code, message: this.message, hint: this.hint };
  }
}
