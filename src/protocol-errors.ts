/**
 * Errors of the exchanges with a device: the PBL (Sahara), the programmer (Firehose), the
 * modem's AT port.
 *
 * @module
 */
import { QfhError, type QfhErrorOptions } from './qfh-error.js';

/** Codes of {@link SaharaProtocolError}. */
export type SaharaProtocolCode =
  | 'QFH_SAHARA_NO_HELLO'
  | 'QFH_SAHARA_REJECTED'
  | 'QFH_SAHARA_UNEXPECTED'
  | 'QFH_SAHARA_OUT_OF_RANGE'
  | 'QFH_SAHARA_COMMAND_FAILED';

/** The PBL and qfh disagree: no HELLO, an unexpected packet, or the PBL refused the programmer. */
export class SaharaProtocolError extends QfhError {
  static override readonly errorName: string = 'SaharaProtocolError';
  /** Sahara status the PBL reported, when it reported one. */
  readonly status: number | undefined;
  constructor(
    code: SaharaProtocolCode,
    message: string,
    options: QfhErrorOptions & { status?: number } = {},
  ) {
    super(code, message, {
      hint: 'Power-cycle the modem so its PBL starts over (unplug it, or hold it in EDL), then run qfh again.',
      ...options,
    });
    this.status = options.status;
  }
}

/** Codes of {@link FirehoseError}. */
export type FirehoseCode =
  | 'QFH_FIREHOSE_NAK'
  | 'QFH_FIREHOSE_UNEXPECTED'
  | 'QFH_FIREHOSE_UNSUPPORTED'
  | 'QFH_FIREHOSE_TIMEOUT';

/** A Firehose exchange that went wrong (other than a NAK, which is {@link FirehoseNakError}). */
export class FirehoseError extends QfhError {
  static override readonly errorName: string = 'FirehoseError';
  constructor(code: FirehoseCode, message: string, options: QfhErrorOptions = {}) {
    super(code, message, {
      hint: 'Power-cycle the modem so it returns to EDL (9008), then run qfh edl-recover.',
      ...options,
    });
  }
}

/** The programmer refused a command: carries the command, the response attributes and every log line. */
export class FirehoseNakError extends FirehoseError {
  static override readonly errorName: string = 'FirehoseNakError';
  constructor(
    readonly command: string,
    readonly attributes: readonly (readonly [string, string])[],
    readonly logs: readonly string[],
    options: QfhErrorOptions = {},
  ) {
    const why = logs.filter((l) =>
      /error|fail|unaligned|must be|invalid|not support|too large/i.test(l),
    );
    super(
      'QFH_FIREHOSE_NAK',
      `the programmer refused <${command}>${why.length ? `: ${why.join(' / ')}` : logs.length ? `: ${logs.at(-1)}` : ''}`,
      {
        hint: 'Nothing more was written. Check the package matches this modem (NAND page/block size, storage type), then run qfh edl-recover.',
        ...options,
      },
    );
  }
}

/** Codes of {@link AtError}. */
export type AtCode =
  | 'QFH_AT_ERROR'
  | 'QFH_AT_TIMEOUT'
  | 'QFH_AT_NOT_QUECTEL'
  | 'QFH_EDL_SWITCH_FAILED'
  | 'QFH_FOTA_CHECKSUM'
  | 'QFH_FOTA_FAILED';

/** The modem's AT or DIAG port refused or did not answer. */
export class AtError extends QfhError {
  static override readonly errorName: string = 'AtError';
  constructor(code: AtCode, message: string, options: QfhErrorOptions = {}) {
    super(code, message, {
      hint: "Check that this is the modem's AT port (qfh list shows each interface) and that nothing else (ModemManager, a dialer) is using it.",
      ...options,
    });
  }
}
