/**
 * The qfh error family. Every failure qfh reports is a {@link QfhError}: a stable
 * machine-readable `code` (the closed set in `error-codes.ts`), a human `message` saying
 * what happened, and a `hint` saying what the user can do about it. One subclass per
 * failure family, so callers can `instanceof` the family and switch on the code within it.
 * This module holds the families of the command line, the transports and the workflow,
 * and gathers the codec and protocol families.
 *
 * @module
 */
import { QfhError, type QfhErrorOptions } from './qfh-error.js';

export { QfhError, type QfhErrorOptions } from './qfh-error.js';
export {
  ERROR_CODES,
  isQfhErrorCode,
  type ErrorOutcome,
  type QfhErrorCode,
} from './error-codes.js';
export * from './format-errors.js';
export * from './protocol-errors.js';

/** Codes of {@link UsageError}. */
export type UsageCode = 'QFH_USAGE' | 'QFH_INPUT_UNREADABLE' | 'QFH_OUTPUT_UNWRITABLE';

/** The command line or an input file given to it is not usable. */
export class UsageError extends QfhError {
  static override readonly errorName: string = 'UsageError';
  constructor(code: UsageCode, message: string, options: QfhErrorOptions = {}) {
    super(code, message, {
      hint: 'Run `qfh --help` for the commands and their options.',
      ...options,
    });
  }
}

/** Codes of {@link TransportError}. */
export type TransportCode =
  | 'QFH_TRANSPORT_TIMEOUT'
  | 'QFH_TRANSPORT_CLOSED'
  | 'QFH_TRANSPORT_DISCONNECTED'
  | 'QFH_TRANSPORT_BUSY'
  | 'QFH_TRANSPORT_ACCESS'
  | 'QFH_TRANSPORT_IO'
  | 'QFH_TRANSPORT_UNSUPPORTED'
  | 'QFH_USB_UNAVAILABLE'
  | 'QFH_RELAY_ROUTE'
  | 'QFH_RELAY_PROTOCOL';

/** A failure moving bytes to or from a device. */
export class TransportError extends QfhError {
  static override readonly errorName: string = 'TransportError';
  constructor(code: TransportCode, message: string, options: QfhErrorOptions = {}) {
    super(code, message, {
      hint: 'Check the cable and that nothing else (ModemManager, another flasher) holds the port, then replug the modem.',
      ...options,
    });
  }
}

/** No data (or no room) within the operation's timeout. */
export class TransportTimeoutError extends TransportError {
  static override readonly errorName: string = 'TransportTimeoutError';
  constructor(message: string, options: QfhErrorOptions = {}) {
    super('QFH_TRANSPORT_TIMEOUT', message, {
      hint: 'The device stopped answering. If it stays silent, power-cycle it so it returns to EDL (9008) and try again.',
      ...options,
    });
  }
}

/** The transport was closed, or the device went away (unplugged, reset). */
export class TransportClosedError extends TransportError {
  static override readonly errorName: string = 'TransportClosedError';
  constructor(message: string, options: QfhErrorOptions & { disconnected?: boolean } = {}) {
    super(options.disconnected ? 'QFH_TRANSPORT_DISCONNECTED' : 'QFH_TRANSPORT_CLOSED', message, {
      hint: options.disconnected
        ? 'The device disappeared from the bus. Replug it (or wait for it to re-enumerate) and run qfh edl-recover if a flash was interrupted.'
        : 'The connection was closed by qfh.',
      ...options,
    });
  }
}

/** Codes of {@link DeviceNotFoundError}. */
export type DeviceNotFoundCode = 'QFH_NO_DEVICE' | 'QFH_DEVICE_AMBIGUOUS' | 'QFH_DEVICE_BUSY';

/** No device (or more than one) matched what the user asked for. */
export class DeviceNotFoundError extends QfhError {
  static override readonly errorName: string = 'DeviceNotFoundError';
  constructor(code: DeviceNotFoundCode, message: string, options: QfhErrorOptions = {}) {
    super(code, message, {
      hint: 'Check the cable and `qfh list`. A modem in EDL shows as 05c6:9008; pick one with --device usb:SERIAL.',
      ...options,
    });
  }
}

/** What the user must know of where the modem is when a refusal comes after its switch. */
const IN_EDL =
  'The modem was switched to EDL for this check and waits there (05c6:9008), its firmware untouched: power-cycle it to boot that firmware again.';

/** A safety check refused the flash; nothing was written. */
export class PlanRefusedError extends QfhError {
  static override readonly errorName: string = 'PlanRefusedError';
  constructor(
    readonly refusals: readonly {
      readonly code: string;
      readonly message: string;
      readonly flag?: string;
    }[],
    /** The modem was switched to EDL before the refusal (checks on the programmer's facts). */
    readonly inEdl = false,
  ) {
    const flags = [
      ...new Set(refusals.map((r) => r.flag).filter((f): f is string => f !== undefined)),
    ];
    const fixed = refusals.filter((r) => r.flag === undefined);
    const fix =
      fixed.length > 0
        ? 'Some of these cannot be overridden: use the firmware package made for this exact modem.'
        : `If you are sure, accept exactly these risks with: ${flags.join(' ')}${inEdl ? ' (qfh edl-recover with them picks the modem up in EDL)' : ''}`;
    super(
      'QFH_REFUSED',
      `refused to flash (${refusals.length} problem${refusals.length === 1 ? '' : 's'}; nothing was written${inEdl ? '; the modem is now in EDL' : ''}): ${refusals.map((r) => `${r.message} (${r.code})`).join('; ')}`,
      { hint: inEdl ? `${IN_EDL} ${fix}` : fix },
    );
  }
}

/** A step of the plan cannot be placed (its start depends on a disk size nobody reported). */
export class PlanError extends QfhError {
  static override readonly errorName: string = 'PlanError';
  constructor(message: string, options: QfhErrorOptions = {}) {
    super('QFH_PLAN_UNRESOLVED', message, {
      hint: 'The modem did not report its disk size, so qfh cannot place this step; nothing was written.',
      ...options,
    });
  }
}

/** An image did not verify: the device holds other bytes than qfh sent. */
export class VerifyMismatchError extends QfhError {
  static override readonly errorName: string = 'VerifyMismatchError';
  constructor(message: string, options: QfhErrorOptions = {}) {
    super('QFH_VERIFY_MISMATCH', message, {
      hint: 'The flash memory did not keep what was written. Run qfh edl-recover; if it fails the same way, the modem needs service.',
      ...options,
    });
  }
}

/** qfh could not compute the digest of what it sent: the image was written but not checked. */
export class VerifyUnavailableError extends QfhError {
  static override readonly errorName: string = 'VerifyUnavailableError';
  constructor(message: string, options: QfhErrorOptions = {}) {
    super('QFH_VERIFY_UNAVAILABLE', message, {
      hint: 'The image was written but not checked. Run the same command again; with --skip-unchanged qfh first compares each image with the modem and rewrites only what differs.',
      ...options,
    });
  }
}

/** qfh was asked to stop (Ctrl-C, SIGTERM, an aborted AbortSignal) and stopped at a safe point. */
export class InterruptedError extends QfhError {
  static override readonly errorName: string = 'InterruptedError';
  /** Stopped at once (a second Ctrl-C), in the middle of a step: the programmer was cut off. */
  readonly forced: boolean;

  constructor(
    message = 'stopped on request',
    options: QfhErrorOptions & { forced?: boolean } = {},
  ) {
    super('QFH_INTERRUPTED', message, options);
    this.forced = options.forced ?? false;
  }
}

/** The user answered no. */
export class DeclinedError extends QfhError {
  static override readonly errorName: string = 'DeclinedError';
  constructor(message = 'not flashed: you answered no', options: QfhErrorOptions = {}) {
    super('QFH_DECLINED', message, { hint: 'Nothing was sent to the modem.', ...options });
  }
}

/** Codes of {@link WorkflowError}. */
export type WorkflowCode = 'QFH_BACKUP_LAYOUT' | 'QFH_INTERNAL';

/** A workflow that cannot go on for a reason of its own (not a device or package failure). */
export class WorkflowError extends QfhError {
  static override readonly errorName: string = 'WorkflowError';
  constructor(code: WorkflowCode, message: string, options: QfhErrorOptions = {}) {
    super(code, message, options);
  }
}

/** Codes of {@link FleetError}: by what the modems that were not flashed have in common. */
export type FleetCode = 'QFH_FLEET_INCOMPLETE' | 'QFH_REFUSED' | 'QFH_INTERRUPTED';

/**
 * Not every modem of a many-modem flash was flashed: some failed (`QFH_FLEET_INCOMPLETE`),
 * or the rest were all refused by a gate (`QFH_REFUSED`) or all stopped on request.
 */
export class FleetError extends QfhError {
  static override readonly errorName: string = 'FleetError';
  constructor(code: FleetCode, message: string, options: QfhErrorOptions = {}) {
    super(code, message, options);
  }
}

/** Wraps anything that is not a QfhError: a bug, reported as one. */
export function asQfhError(e: unknown): QfhError {
  if (e instanceof QfhError) return e;
  return new WorkflowError('QFH_INTERNAL', e instanceof Error ? e.message : String(e), {
    cause: e,
    hint: 'This is a bug in qfh; please report it with the command you ran.',
  });
}
