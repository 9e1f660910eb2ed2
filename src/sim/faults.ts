/**
 * Fault injection and the timing model of one simulated modem. Every field is optional;
 * an empty plan is a healthy modem with no delays. Command indexes count Firehose
 * commands from 0 (configure is usually 0).
 *
 * @module
 */

/** Link and flash speeds (research/captures.md §3: USB 2.0 HS, NAND program speed). */
export interface TimingModel {
  /** Host→device bytes per second over the link. @default Infinity */
  usbBytesPerSecond?: number;
  /** Bytes per second the storage programs. @default Infinity */
  programBytesPerSecond?: number;
  /** Fixed time per Firehose command. @default 0 */
  commandLatencyMs?: number;
}

/** What to break, and when. */
export interface FaultPlan {
  /** Unplug once the host has written this many bytes in total. */
  disconnectAtHostByte?: number;
  /** Unplug when Firehose command K arrives (it is never answered). */
  disconnectAtCommand?: number;
  /** NAK Firehose command K. */
  nakCommand?: number;
  /** Never answer Firehose command K (the host must time out). */
  silentCommand?: number;
  /** Answer Firehose command K with garbage bytes. */
  garbageCommand?: number;
  /** Cut the reply to Firehose command K in half. */
  truncateCommand?: number;
  /** Split every device transfer into pieces of at most this many bytes (short reads). */
  shortReadBytes?: number;
  /** Send every command's logs after its response, as some programmers do. */
  logsAfterResponse?: boolean;
  /** After each `rawmode="true"` ACK, send a zero-length packet this many ms later (a ZLP stall). */
  zlpStallMs?: number;
  /** The PBL sent its HELLO before the host was listening: the host never sees it. */
  missHello?: boolean;
  /** The PBL ends the upload with this status whatever the programmer (e.g. 0x21 hash table auth failure). */
  rejectProgrammerStatus?: number;
  /** Power is lost once this many bytes of program data have arrived; the page being written is left half programmed. */
  powerLossAtProgramByte?: number;
  /** Slow device. */
  timing?: TimingModel;
  /** Flip a byte of a file uploaded with AT+QFUPL (its checksum then differs from the host's). */
  fotaCorruptUpload?: boolean;
  /** End the delta update with `+QIND: "FOTA","END",<code>` (0 is success). */
  fotaErrorCode?: number;
}
