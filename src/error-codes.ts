/**
 * The closed set of error codes qfh reports, with what each means and which outcome it is
 * (the CLI turns an outcome into its exit status; README's table is checked against this one
 * by a test). A code never changes meaning between releases; new failures get new codes.
 *
 * @module
 */

/** How a failure ends a command (the CLI maps each to one exit status). */
export type ErrorOutcome =
  'failure' | 'usage' | 'refused' | 'no-device' | 'declined' | 'interrupted';

const f = (meaning: string, outcome: ErrorOutcome = 'failure') => ({ meaning, outcome });

/** Every code, its meaning and its outcome. */
export const ERROR_CODES = {
  QFH_USAGE: f('the command line is wrong (unknown option, bad value, missing argument)', 'usage'),
  QFH_INPUT_UNREADABLE: f('a file or folder named on the command line cannot be read', 'usage'),
  QFH_OUTPUT_UNWRITABLE: f(
    'a file or folder qfh was asked to write cannot be written there: checked before any device is opened',
    'usage',
  ),
  QFH_REFUSED: f('a safety check refused: nothing was sent to the modem', 'refused'),
  QFH_DECLINED: f('you answered no when asked to go ahead: nothing was sent', 'declined'),
  QFH_INTERRUPTED: f('stopped by Ctrl-C or SIGTERM at a safe point', 'interrupted'),
  QFH_NO_DEVICE: f('no modem matched --device (or none appeared in time)', 'no-device'),
  QFH_DEVICE_AMBIGUOUS: f('more than one modem matched: pick one with --device', 'no-device'),
  QFH_DEVICE_BUSY: f(
    'the device server is serving another host (qfh simulate): nothing was sent',
    'no-device',
  ),
  QFH_SAHARA_TRUNCATED: f('a Sahara packet from the device was cut short'),
  QFH_SAHARA_BAD_LENGTH: f('a Sahara packet had an impossible length field'),
  QFH_SAHARA_UNKNOWN_COMMAND: f('the device sent a Sahara command qfh does not know'),
  QFH_SAHARA_NO_HELLO: f('the PBL did not say HELLO, even after a reset of its state machine'),
  QFH_SAHARA_REJECTED: f('the PBL refused the programmer (status named in the message)'),
  QFH_SAHARA_UNEXPECTED: f('the PBL sent a packet that does not fit the exchange'),
  QFH_SAHARA_OUT_OF_RANGE: f('the PBL asked for bytes beyond the end of the programmer'),
  QFH_SAHARA_COMMAND_FAILED: f('a Sahara command-mode request failed'),
  QFH_PROGRAMMER_INVALID: f(
    'the programmer file is not a loadable Firehose ELF: nothing was sent',
    'refused',
  ),
  QFH_FIREHOSE_XML_MALFORMED: f('the programmer sent XML that does not parse'),
  QFH_FIREHOSE_XML_NO_DATA: f('a Firehose document had no <data> root'),
  QFH_FIREHOSE_XML_TOO_LARGE: f('a Firehose document grew past the size limit'),
  QFH_FIREHOSE_BAD_ATTRIBUTE: f('a Firehose command was built with an invalid attribute'),
  QFH_FIREHOSE_NAK: f('the programmer refused a command (its log lines are in the message)'),
  QFH_FIREHOSE_UNEXPECTED: f('the programmer answered out of step, or not at all'),
  QFH_FIREHOSE_UNSUPPORTED: f('the programmer lacks a function qfh needs'),
  QFH_FIREHOSE_TIMEOUT: f('the programmer did not answer a command in time'),
  QFH_SPARSE_BAD_MAGIC: f('not an Android sparse image'),
  QFH_SPARSE_BAD_VERSION: f('a sparse image of an unknown version'),
  QFH_SPARSE_BAD_HEADER: f('a sparse image header with impossible sizes'),
  QFH_SPARSE_BAD_CHUNK: f('a sparse chunk of an unknown type or size'),
  QFH_SPARSE_TRUNCATED: f('a sparse image that ends early'),
  QFH_SPARSE_BLOCK_COUNT: f('a sparse image whose chunks do not add up to its block count'),
  QFH_SPARSE_CRC_MISMATCH: f('a sparse image whose CRC32 chunk does not match its data'),
  QFH_SPARSE_TRAILING_DATA: f('a sparse image with bytes after its last chunk'),
  QFH_SPARSE_TOO_MANY_CHUNKS: f('a sparse image with more chunks than qfh will index'),
  QFH_EXPRESSION_SYNTAX: f('a rawprogram/patch expression that does not parse'),
  QFH_EXPRESSION_UNKNOWN_NAME: f('a rawprogram/patch expression naming an unknown value'),
  QFH_EXPRESSION_RANGE: f('a rawprogram/patch expression whose value is out of range'),
  QFH_MIBIB_BAD_MAGIC: f('a NAND partition table (MIBIB) with the wrong magic'),
  QFH_MIBIB_TRUNCATED: f('a NAND partition table (MIBIB) that ends early'),
  QFH_GPT_BAD_SIGNATURE: f('a GPT without its "EFI PART" signature'),
  QFH_GPT_TRUNCATED: f('a GPT that ends early'),
  QFH_GPT_BAD_HEADER: f('a GPT header with impossible fields'),
  QFH_PACKAGE_NOT_FOUND: f('the firmware package folder or zip cannot be read', 'usage'),
  QFH_PACKAGE_PATH_ESCAPE: f('a package path leads outside the package'),
  QFH_PACKAGE_XML: f('a rawprogram/patch file is not the XML qfh expects'),
  QFH_PACKAGE_MD5_FORMAT: f('md5.txt is not in a known format'),
  QFH_ZIP_PATH_ESCAPE: f('a zip entry is named outside the archive (zip-slip), or links out of it'),
  QFH_ZIP_BOMB: f(
    'a zip entry inflates past its stated size, claims an impossible ratio, or overlaps another',
  ),
  QFH_ZIP_ENCRYPTED: f('the zip is encrypted: qfh does not decrypt archives'),
  QFH_ZIP_TRUNCATED: f('the zip ends early (an interrupted download)'),
  QFH_ZIP_CRC_MISMATCH: f('a zip entry does not match its CRC-32: the archive is damaged'),
  QFH_ZIP_CORRUPT: f('the zip is damaged (bad headers or deflate data)'),
  QFH_ZIP_UNSUPPORTED: f(
    'a zip entry is compressed with a method qfh does not read (only stored and deflate)',
  ),
  QFH_PLAN_UNRESOLVED: f('a step of the plan has no place on the disk yet'),
  QFH_TRANSPORT_TIMEOUT: f('the device did not answer in time'),
  QFH_TRANSPORT_CLOSED: f('the connection to the device was closed'),
  QFH_TRANSPORT_DISCONNECTED: f('the device left the bus (unplugged, reset, power lost)'),
  QFH_TRANSPORT_BUSY: f('another program holds the device'),
  QFH_TRANSPORT_ACCESS: f('no permission to open the device'),
  QFH_TRANSPORT_IO: f('an I/O error on the device'),
  QFH_TRANSPORT_UNSUPPORTED: f('this way of reaching the device cannot do what was asked'),
  QFH_USB_UNAVAILABLE: f(
    'the libusb backend (npm package usb) is not installed or cannot load here',
    'no-device',
  ),
  QFH_RELAY_ROUTE: f("qfh's route to the router runs over the modem's own connection", 'refused'),
  QFH_RELAY_PROTOCOL: f('the router did not answer as the qfh relay script does'),
  QFH_FLASH_FAILED: f('the flash stopped part-way (the report says what was written)'),
  QFH_FLEET_INCOMPLETE: f(
    'of several modems flashed together, some failed (the summary names each and the command that retries them)',
  ),
  QFH_VERIFY_MISMATCH: f('an image read back differently from what was sent'),
  QFH_VERIFY_UNAVAILABLE: f(
    'qfh could not hash what it sent (its hashing thread stopped), so an image went unchecked',
  ),
  QFH_BACKUP_LAYOUT: f('qfh cannot tell which partitions to back up'),
  QFH_AT_ERROR: f('the modem answered ERROR to an AT command'),
  QFH_AT_TIMEOUT: f('the modem did not answer an AT command in time'),
  QFH_AT_NOT_QUECTEL: f('the modem is not a Quectel module: qfh does not switch it'),
  QFH_EDL_SWITCH_FAILED: f('the DIAG switch to EDL did not take'),
  QFH_FOTA_NOT_DELTA: f(
    'the delta file is not a whole DFOTA package (a zip whose files all check): nothing was sent',
    'refused',
  ),
  QFH_FOTA_CHECKSUM: f("the module's checksum of the uploaded delta differs from qfh's"),
  QFH_FOTA_FAILED: f('the delta update ended with an error code'),
  QFH_CAPTURE_FORMAT: f('a capture file is not in a format qfh reads'),
  QFH_CAPTURE_TRUNCATED: f('a capture cut a device transfer short, so it cannot be replayed'),
  QFH_CAPTURE_NO_DEVICE: f('the capture holds no EDL device (05c6:9008) to replay'),
  QFH_CAPTURE_AMBIGUOUS: f('the capture holds more than one EDL device: pick one'),
  QFH_REPLAY_MISMATCH: f('the host sent something other than the capture recorded'),
  QFH_INTERNAL: f('a bug in qfh: please report it with the command you ran'),
} as const;

/** A stable error code. */
export type QfhErrorCode = keyof typeof ERROR_CODES;

/** Whether `value` is one of qfh's codes. */
export function isQfhErrorCode(value: string): value is QfhErrorCode {
  return Object.hasOwn(ERROR_CODES, value);
}
