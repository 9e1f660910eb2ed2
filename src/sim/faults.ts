/**
 * Fault injection for one simulated modem. Every field is optional; an empty plan is a
 * healthy modem. Each fault says whether it is one-shot (it fires once in the modem's life,
 * so the recovery a user is told to run can succeed) or persistent (every time it applies).
 * Command indexes count the Firehose commands of one programmer run from 0 (configure is
 * usually 0).
 *
 * @module
 */

/** What to break, and when. */
export interface FaultPlan {
  /** One-shot: unplug once the host has written this many bytes in total. */
  disconnectAtHostByte?: number;
  /** One-shot: unplug when Firehose command K arrives (it is never answered). */
  disconnectAtCommand?: number;
  /** One-shot: NAK Firehose command K. */
  nakCommand?: number;
  /** One-shot: never answer Firehose command K, nor anything after it (the host must time out). */
  silentCommand?: number;
  /**
   * One-shot: from Firehose command K on, answer nothing and send a log line every 20 ms, for
   * up to two minutes or until the host's link goes (a programmer stuck in a debug loop).
   */
  floodLogsAtCommand?: number;
  /** One-shot: answer Firehose command K with garbage bytes, then go silent. */
  garbageCommand?: number;
  /** One-shot: cut the reply to Firehose command K in half. */
  truncateCommand?: number;
  /** One-shot: power is lost once this many bytes of program data have arrived; the page being written is left half programmed. */
  powerLossAtProgramByte?: number;
  /** One-shot: the first configure is answered this many ms late (a programmer still starting). */
  slowConfigureMs?: number;
  /** One-shot: the first banner comes this many ms later than the profile's. */
  bannerLateMs?: number;
  /** One-shot: the PBL sent its HELLO before the host was listening: the host never sees it. */
  missHello?: boolean;
  /** Persistent: split every device transfer into pieces of at most this many bytes (short reads). */
  shortReadBytes?: number;
  /**
   * Persistent: every getsha256digest answer first logs this digest too (as a programmer that
   * also reports a digest it holds from before), then the range's own.
   */
  digestDecoy?: string;
  /** Persistent: every program's final ACK comes this many ms per MiB programmed after its data (a cache flush). */
  programFlushMsPerMiB?: number;
  /** Persistent: send every command's logs after its response, as some programmers do. */
  logsAfterResponse?: boolean;
  /** Persistent: after each `rawmode="true"` ACK, send a zero-length packet this many ms later (a ZLP stall). */
  zlpStallMs?: number;
  /** Persistent: the PBL ends the upload with this status whatever the programmer (e.g. 0x21 hash table auth failure). */
  rejectProgrammerStatus?: number;
  /**
   * Persistent: the module switches to EDL on the DIAG frame, but its echo never reaches the
   * host (it reboots before the host reads it, as over a busy relay or a slow host).
   */
  diagEchoLost?: boolean;
  /** Persistent: flip a byte of a file uploaded with AT+QFUPL (its checksum then differs from the host's). */
  fotaCorruptUpload?: boolean;
  /** Persistent: end the delta update with `+QIND: "FOTA","END",<code>` (0 is success). */
  fotaErrorCode?: number;
}

/** The faults that fire once. */
export type OneShotFault =
  | 'disconnectAtHostByte'
  | 'disconnectAtCommand'
  | 'nakCommand'
  | 'silentCommand'
  | 'floodLogsAtCommand'
  | 'garbageCommand'
  | 'truncateCommand'
  | 'powerLossAtProgramByte'
  | 'slowConfigureMs'
  | 'bannerLateMs'
  | 'missHello';

/** Tracks which one-shot faults have fired. */
export class FaultState {
  private readonly fired = new Set<OneShotFault>();

  constructor(readonly plan: FaultPlan) {}

  /** Whether a one-shot fault is still armed. */
  armed(fault: OneShotFault): boolean {
    return this.plan[fault] !== undefined && this.plan[fault] !== false && !this.fired.has(fault);
  }

  /** Marks it fired. */
  fire(fault: OneShotFault): void {
    this.fired.add(fault);
  }

  /** A command-indexed one-shot fault that applies to command `index` now (and fires it). */
  atCommand(fault: OneShotFault, index: number): boolean {
    if (!this.armed(fault) || this.plan[fault] !== index) return false;
    this.fire(fault);
    return true;
  }
}
