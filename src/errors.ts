/**
 * The qfh error family. Every failure qfh reports is a {@link QfhError}: a stable
 * machine-readable `code`, a human `message` saying what happened, and a `hint`
 * saying what the user can do about it. One subclass per failure family, so callers
 * can `instanceof` the family and switch on the code within it.
 *
 * @module
 */

/** Options shared by every qfh error. */
export interface QfhErrorOptions {
  /** What the user can do next. Shown under the message by the CLI. */
  hint?: string;
  /** The lower-level error this one explains. */
  cause?: unknown;
}

/** Base of every error qfh throws. */
export class QfhError extends Error {
  /** Stable identifier, e.g. `QFH_SPARSE_TRUNCATED`. Never changes between releases. */
  readonly code: string;
  /** What to do next, in one or two sentences. */
  readonly hint: string;

  constructor(code: string, message: string, options: QfhErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint ?? '';
  }

  /** Plain-object form for `--json` output and logs. */
  toJSON(): { name: string; code: string; message: string; hint: string } {
    return { name: this.name, code: this.code, message: this.message, hint: this.hint };
  }
}

/** Codes of {@link SaharaPacketError}. */
export type SaharaPacketCode =
  'QFH_SAHARA_TRUNCATED' | 'QFH_SAHARA_BAD_LENGTH' | 'QFH_SAHARA_UNKNOWN_COMMAND';

/** A Sahara packet that cannot be decoded (short, wrong length field, unknown command). */
export class SaharaPacketError extends QfhError {
  constructor(code: SaharaPacketCode, message: string, options: QfhErrorOptions = {}) {
    super(code, message, {
      hint: 'The device sent bytes that are not a Sahara packet. Replug the modem (or power-cycle it) so it restarts Sahara, then try again.',
      ...options,
    });
  }
}

/** Codes of {@link FirehoseXmlError}. */
export type FirehoseXmlCode =
  | 'QFH_FIREHOSE_XML_MALFORMED'
  | 'QFH_FIREHOSE_XML_NO_DATA'
  | 'QFH_FIREHOSE_XML_TOO_LARGE'
  | 'QFH_FIREHOSE_BAD_ATTRIBUTE';

/** A Firehose XML document that cannot be built or parsed. */
export class FirehoseXmlError extends QfhError {
  constructor(code: FirehoseXmlCode, message: string, options: QfhErrorOptions = {}) {
    super(code, message, {
      hint: 'The programmer and qfh are out of step. Power-cycle the modem so it returns to EDL (9008) and start again.',
      ...options,
    });
  }
}

/** Codes of {@link SparseFormatError}. */
export type SparseFormatCode =
  | 'QFH_SPARSE_BAD_MAGIC'
  | 'QFH_SPARSE_BAD_VERSION'
  | 'QFH_SPARSE_BAD_HEADER'
  | 'QFH_SPARSE_BAD_CHUNK'
  | 'QFH_SPARSE_TRUNCATED'
  | 'QFH_SPARSE_BLOCK_COUNT'
  | 'QFH_SPARSE_CRC_MISMATCH'
  | 'QFH_SPARSE_TRAILING_DATA';

/** An Android sparse image that is malformed, truncated or inconsistent. */
export class SparseFormatError extends QfhError {
  constructor(code: SparseFormatCode, message: string, options: QfhErrorOptions = {}) {
    super(code, message, {
      hint: 'The sparse image is damaged or was not made by img2simg/libsparse. Re-download the firmware package and check its md5.txt.',
      ...options,
    });
  }
}

/** Codes of {@link ExpressionError}. */
export type ExpressionCode =
  'QFH_EXPRESSION_SYNTAX' | 'QFH_EXPRESSION_UNKNOWN_NAME' | 'QFH_EXPRESSION_RANGE';

/** A rawprogram/patch expression (`NUM_DISK_SECTORS-33.`, `CRC32(2,4096)`) that cannot be evaluated. */
export class ExpressionError extends QfhError {
  constructor(code: ExpressionCode, message: string, options: QfhErrorOptions = {}) {
    super(code, message, {
      hint: 'The package XML holds an expression qfh does not understand. Check the file is the one the vendor shipped.',
      ...options,
    });
  }
}

/** Codes of {@link PartitionTableError}. */
export type PartitionTableCode =
  | 'QFH_MIBIB_BAD_MAGIC'
  | 'QFH_MIBIB_TRUNCATED'
  | 'QFH_GPT_BAD_SIGNATURE'
  | 'QFH_GPT_TRUNCATED'
  | 'QFH_GPT_BAD_HEADER';

/** A NAND MIBIB or GPT partition table that cannot be read. */
export class PartitionTableError extends QfhError {
  constructor(code: PartitionTableCode, message: string, options: QfhErrorOptions = {}) {
    super(code, message, {
      hint: 'The partition table file is damaged or not the kind qfh expected. Re-download the firmware package.',
      ...options,
    });
  }
}

/** Codes of {@link PackageError}. */
export type PackageCode =
  | 'QFH_PACKAGE_NOT_FOUND'
  | 'QFH_PACKAGE_PATH_ESCAPE'
  | 'QFH_PACKAGE_XML'
  | 'QFH_PACKAGE_MD5_FORMAT'
  | 'QFH_PACKAGE_UNRECOGNISED';

/** A firmware package (folder or one of its manifests) that cannot be read safely. */
export class PackageError extends QfhError {
  constructor(code: PackageCode, message: string, options: QfhErrorOptions = {}) {
    super(code, message, {
      hint: 'Point qfh at the unpacked firmware folder (the one holding md5.txt and update/), and re-download it if a file is damaged.',
      ...options,
    });
  }
}

/** Codes of {@link UsageError}. */
export type UsageCode = 'QFH_USAGE' | 'QFH_INPUT_UNREADABLE';

/** The command line or an input file given to it is not usable. */
export class UsageError extends QfhError {
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
  | 'QFH_TRANSPORT_UNSUPPORTED';

/** A failure moving bytes to or from a device. */
export class TransportError extends QfhError {
  constructor(code: TransportCode, message: string, options: QfhErrorOptions = {}) {
    super(code, message, {
      hint: 'Check the cable and that nothing else (ModemManager, another flasher) holds the port, then replug the modem.',
      ...options,
    });
  }
}

/** No data (or no room) within the operation's timeout. */
export class TransportTimeoutError extends TransportError {
  constructor(message: string, options: QfhErrorOptions = {}) {
    super('QFH_TRANSPORT_TIMEOUT', message, {
      hint: 'The device stopped answering. If it stays silent, power-cycle it so it returns to EDL (9008) and try again.',
      ...options,
    });
  }
}

/** The transport was closed, or the device went away (unplugged, reset). */
export class TransportClosedError extends TransportError {
  constructor(message: string, options: QfhErrorOptions & { disconnected?: boolean } = {}) {
    super(options.disconnected ? 'QFH_TRANSPORT_DISCONNECTED' : 'QFH_TRANSPORT_CLOSED', message, {
      hint: options.disconnected
        ? 'The device disappeared from the bus. Replug it (or wait for it to re-enumerate) and run qfh edl-recover if a flash was interrupted.'
        : 'The connection was closed by qfh.',
      ...options,
    });
  }
}

/** Codes of {@link SaharaProtocolError}. */
export type SaharaProtocolCode =
  | 'QFH_SAHARA_NO_HELLO'
  | 'QFH_SAHARA_REJECTED'
  | 'QFH_SAHARA_UNEXPECTED'
  | 'QFH_SAHARA_OUT_OF_RANGE'
  | 'QFH_SAHARA_COMMAND_FAILED';

/** The PBL and qfh disagree: no HELLO, an unexpected packet, or the PBL refused the programmer. */
export class SaharaProtocolError extends QfhError {
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
  | 'QFH_FIREHOSE_NO_PROGRAMMER'
  | 'QFH_FIREHOSE_UNEXPECTED'
  | 'QFH_FIREHOSE_UNSUPPORTED';

/** A Firehose exchange that went wrong (other than a NAK, which is {@link FirehoseNakError}). */
export class FirehoseError extends QfhError {
  constructor(code: FirehoseCode, message: string, options: QfhErrorOptions = {}) {
    super(code, message, {
      hint: 'Power-cycle the modem so it returns to EDL (9008), then run qfh edl-recover.',
      ...options,
    });
  }
}

/** The programmer refused a command: carries the command, the response attributes and every log line. */
export class FirehoseNakError extends FirehoseError {
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

/** Codes of {@link DeviceNotFoundError}. */
export type DeviceNotFoundCode = 'QFH_NO_DEVICE' | 'QFH_DEVICE_AMBIGUOUS';

/** No device (or more than one) matched what the user asked for. */
export class DeviceNotFoundError extends QfhError {
  constructor(code: DeviceNotFoundCode, message: string, options: QfhErrorOptions = {}) {
    super(code, message, {
      hint: 'Check the cable and `qfh list`. A modem in EDL shows as 05c6:9008; pick one with --device usb:SERIAL.',
      ...options,
    });
  }
}

/** A safety check refused the flash; nothing was written. */
export class PlanRefusedError extends QfhError {
  constructor(
    readonly refusals: readonly {
      readonly code: string;
      readonly message: string;
      readonly flag?: string;
    }[],
  ) {
    const flags = [
      ...new Set(refusals.map((r) => r.flag).filter((f): f is string => f !== undefined)),
    ];
    const fixed = refusals.filter((r) => r.flag === undefined);
    super(
      'QFH_REFUSED',
      `refused to flash (${refusals.length} problem${refusals.length === 1 ? '' : 's'}; nothing was written): ${refusals.map((r) => r.message).join('; ')}`,
      {
        hint:
          fixed.length > 0
            ? 'Some of these cannot be overridden: use the firmware package made for this exact modem.'
            : `If you are sure, accept exactly these risks with: ${flags.join(' ')}`,
      },
    );
  }
}

/** A flash that stopped part-way: carries the report of what was done. */
export class FlashError extends QfhError {
  constructor(
    message: string,
    readonly report: unknown,
    options: QfhErrorOptions & { code?: string } = {},
  ) {
    super(options.code ?? 'QFH_FLASH_FAILED', message, options);
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
  constructor(code: AtCode, message: string, options: QfhErrorOptions = {}) {
    super(code, message, {
      hint: "Check that this is the modem's AT port (qfh list shows each interface) and that nothing else (ModemManager, a dialer) is using it.",
      ...options,
    });
  }
}

/** Codes of {@link CaptureError}. */
export type CaptureCode =
  | 'QFH_CAPTURE_FORMAT'
  | 'QFH_CAPTURE_TRUNCATED'
  | 'QFH_CAPTURE_NO_DEVICE'
  | 'QFH_CAPTURE_AMBIGUOUS';

/** A packet capture (pcap, pcapng, usbmon records) that cannot be read or replayed as asked. */
export class CaptureError extends QfhError {
  constructor(code: CaptureCode, message: string, options: QfhErrorOptions = {}) {
    super(code, message, {
      hint: 'Capture the whole session with its USB link type: `tcpdump -i usbmonN -s 0 -w FILE.pcapng` (or Wireshark on usbmonN), started before the modem is plugged in so the enumeration is in the file.',
      ...options,
    });
  }
}
