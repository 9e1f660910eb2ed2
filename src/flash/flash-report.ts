/**
 * What a flash did, as data: per op, and the modem's state derived from what reached the
 * wire (docs/ARCHITECTURE.md, Contracts): `untouched` when no erase, program or patch was sent; `partial` when
 * some were; `complete` when every write was sent and verified but a later step (the
 * final reset) failed; `flashed` when everything went through. A failure carries the
 * advice that works the first time from that state.
 *
 * @module
 */
import { QfhError, type QfhErrorCode, type QfhErrorOptions } from '../errors.js';
import type { PlanOp } from '../plan/types.js';
import type { SkipSummary } from './skip-unchanged.js';
import type { NextStep } from './advice.js';

/** A progress event. The library never prints; the CLI renders these. */
export interface FlashProgress {
  readonly phase:
    | 'sahara'
    | 'configure'
    | 'storage-info'
    | 'compare'
    | 'erase'
    | 'program'
    | 'verify'
    | 'patch'
    | 'reset'
    | 'done';
  /** 0-based index of the op in the plan, for op phases. */
  readonly op?: number;
  readonly ops: number;
  readonly label?: string | undefined;
  /** Image bytes sent so far (whole flash) and in total. */
  readonly bytesDone: number;
  readonly bytesTotal: number;
}

/** How an image was checked after it was written. */
export type Verification = 'sha256' | 'read-back' | 'no';

/** What happened to one op. */
export interface OpReport {
  readonly index: number;
  readonly kind: PlanOp['kind'];
  readonly label: string | undefined;
  readonly lun: number | undefined;
  readonly startSector: number | undefined;
  readonly bytes: number;
  readonly seconds: number;
  readonly mbPerSecond: number | undefined;
  readonly verified: Verification | undefined;
  /** Why verification took the form it did (a programmer without getsha256digest reads back). */
  readonly verifyNote?: string | undefined;
  /** Not sent: the modem's digest showed it already held these bytes (`--skip-unchanged`). */
  readonly skipped?: 'unchanged';
}

/** The modem's state after a flash. */
export type FlashState = 'untouched' | 'partial' | 'complete' | 'flashed';

/** The outcome of a flash. */
export interface FlashReport {
  readonly ok: boolean;
  readonly package: string;
  readonly device: string;
  /** Ops that completed, in order. */
  readonly ops: readonly OpReport[];
  readonly opsTotal: number;
  readonly bytes: number;
  readonly seconds: number;
  readonly state: FlashState;
  /** Writes (erase, program, patch) that reached the wire, and how many the plan has. */
  readonly writesSent: number;
  readonly writesTotal: number;
  readonly failure:
    | { readonly op: number | undefined; readonly code: QfhErrorCode; readonly message: string }
    | undefined;
  /** What the user should run next, when something failed (the words of `nextStep`). */
  readonly next: string | undefined;
  /** The same advice as data: the situation, a power-cycle first, the command to run. */
  readonly nextStep?: NextStep | undefined;
  /** What `--skip-unchanged` compared and left out. */
  readonly skipUnchanged?: SkipSummary;
}

/**
 * A flash that stopped: carries the report of what was done. Its code is the code of the
 * failure that stopped it (`QFH_SAHARA_NO_HELLO`, `QFH_VERIFY_MISMATCH`, …).
 */
export class FlashError extends QfhError {
  static override readonly errorName: string = 'FlashError';
  constructor(
    message: string,
    readonly report: FlashReport,
    options: QfhErrorOptions & { code?: QfhErrorCode } = {},
  ) {
    super(options.code ?? 'QFH_FLASH_FAILED', message, options);
  }
}

/** Whether an op of this kind writes to storage. */
export const isWrite = (op: { readonly kind: PlanOp['kind'] }): boolean =>
  op.kind === 'erase' || op.kind === 'program' || op.kind === 'patch';
