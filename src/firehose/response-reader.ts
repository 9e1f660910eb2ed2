/**
 * Reads a programmer's documents and matches responses to commands. Firehose responses
 * carry no command name or sequence number, but a programmer answers commands in the order
 * it received them. So a command whose answer did not come in time is still *owed* one:
 * before the next command is sent, the owed answers are read and dropped (or the line must
 * stay quiet for `staleQuiet`), and a late ACK can never be taken for the answer to a later
 * command. Logs that arrive after a response are kept for the next exchange.
 *
 * @module
 */
import {
  FirehoseError,
  FirehoseNakError,
  InterruptedError,
  TransportError,
  TransportTimeoutError,
} from '../errors.js';
import type { Transport } from '../transport/transport.js';
import { FirehoseFramer } from './framer.js';
import { parseDeviceDocument, type Attribute } from './xml.js';

/** A completed exchange: the response's attributes and every log line that came with it. */
export interface Exchange {
  readonly attributes: readonly Attribute[];
  readonly logs: readonly string[];
}

/** Options for {@link ResponseReader}. */
export interface ResponseReaderOptions {
  /** Every `<log>` line, as it arrives. */
  readonly onLog?: ((line: string) => void) | undefined;
  /** Largest read asked of the transport. @default 1048576 */
  readonly readChunk?: number | undefined;
  /** Stops waits for answers (never a raw data phase). */
  readonly signal?: AbortSignal | undefined;
}

type Messages = ReturnType<typeof parseDeviceDocument>;

/** The programmer did not answer within the wait. */
export class FirehoseSilence extends FirehoseError {
  static override readonly errorName: string = 'FirehoseSilence';
  constructor(what: string, ms: number) {
    super('QFH_FIREHOSE_TIMEOUT', `the programmer did not answer ${what} within ${ms} ms`, {
      hint: 'The programmer stopped answering. Power-cycle or replug the modem so it returns to EDL (9008), then run qfh edl-recover.',
    });
  }
}

/**
 * The overall deadline of a wait for quiet: each document restarts the quiet wait, so a
 * programmer that never stops logging would otherwise hold the session forever.
 */
function floodWatch(quietMs: number, limitMs: number): { check(): void } {
  const end = Date.now() + limitMs;
  return {
    check: () => {
      if (Date.now() <= end) return;
      throw new FirehoseError(
        'QFH_FIREHOSE_TIMEOUT',
        `the programmer kept sending log lines for ${limitMs} ms without a pause of ${quietMs} ms, so qfh cannot tell its answers apart`,
        {
          hint: 'The programmer is stuck talking. Power-cycle or replug the modem so it returns to EDL (9008), then run qfh edl-recover.',
        },
      );
    },
  };
}

/** The device side of one Firehose session, as documents and raw bytes. */
export class ResponseReader {
  readonly framer = new FirehoseFramer({ maxDocumentBytes: 1 << 20 });
  private lateLogs: string[] = [];
  /** Answers owed to commands that timed out (the programmer may still send them). */
  owed = 0;

  constructor(
    readonly transport: Transport,
    private readonly options: ResponseReaderOptions,
  ) {}

  /** Every log line seen by this reader, as it arrives. */
  log(line: string): void {
    this.options.onLog?.(line);
  }

  throwIfAborted(): void {
    if (this.shield === 0 && this.options.signal?.aborted)
      throw new InterruptedError('stopped before the next command');
  }

  /** Nesting of {@link shielded} sections: a stop request waits while it is above 0. */
  private shield = 0;

  /**
   * Runs `fn` deaf to stop requests: once a `<program>` or `<read>` is sent the programmer
   * expects its raw data phase and final answer, and a host that stopped in between would
   * leave it waiting for bytes that the next session's XML would then fill.
   */
  async shielded<T>(fn: () => Promise<T>): Promise<T> {
    this.shield++;
    try {
      return await fn();
    } finally {
      this.shield--;
    }
  }

  /** Reads until a whole document is there; returns its messages. */
  async nextDocument(waitMs: number, what: string): Promise<Messages> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const text = this.framer.nextDocument();
      if (text !== undefined) return parseDeviceDocument(text);
      const left = deadline - Date.now();
      if (left <= 0) throw new FirehoseSilence(what, waitMs);
      try {
        const signal = this.shield === 0 ? this.options.signal : undefined;
        const piece = await this.transport.read(this.options.readChunk ?? 1 << 20, {
          timeoutMs: left,
          ...(signal ? { signal } : {}),
        });
        this.framer.push(piece);
      } catch (e) {
        this.throwIfAborted();
        if (e instanceof TransportTimeoutError) throw new FirehoseSilence(what, waitMs);
        throw e;
      }
    }
  }

  /**
   * Reads logs until the response to `command`. A NAK throws FirehoseNakError. Silence
   * throws FirehoseSilence and leaves the answer owed.
   */
  async awaitResponse(command: string, timeoutMs: number): Promise<Exchange> {
    const logs = this.lateLogs;
    this.lateLogs = [];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let messages: Messages;
      try {
        messages = await this.nextDocument(Math.max(0, deadline - Date.now()), `<${command}>`);
      } catch (e) {
        if (e instanceof FirehoseSilence) this.owed++;
        throw e;
      }
      const at = messages.findIndex((m) => m.kind === 'response');
      for (const m of at < 0 ? messages : messages.slice(0, at))
        if (m.kind === 'log') this.keep(m.value, logs);
      const response = messages[at];
      if (response?.kind !== 'response') continue;
      for (const m of messages.slice(at + 1))
        if (m.kind === 'log') this.keep(m.value, this.lateLogs);
      if (response.value !== 'ACK' && response.value.toLowerCase() !== 'true')
        throw new FirehoseNakError(command, response.attributes, logs);
      return { attributes: response.attributes, logs };
    }
  }

  /**
   * The first log line `match` accepts among those that came after the last response,
   * waiting up to `waitMs` for it: some programmers send a command's result logs after its
   * ACK (qdl notes it on MSM8916). Other late logs stay kept for the next exchange.
   */
  async lateLogMatching(
    match: (line: string) => boolean,
    waitMs: number,
  ): Promise<string | undefined> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const at = this.lateLogs.findIndex(match);
      if (at >= 0) return this.lateLogs.splice(at, 1)[0];
      let messages: Messages;
      try {
        messages = await this.nextDocument(Math.max(0, deadline - Date.now()), 'the result log');
      } catch (e) {
        if (e instanceof FirehoseSilence) return undefined;
        throw e;
      }
      for (const m of messages) if (m.kind === 'log') this.keep(m.value, this.lateLogs);
    }
  }

  /** Takes the logs kept since the last exchange. */
  takeLateLogs(): string[] {
    const out = this.lateLogs;
    this.lateLogs = [];
    return out;
  }

  /**
   * Before a new command: reads and drops the answers owed to commands that timed out, until
   * none is owed or the line has been quiet for `quietMs` (the programmer dropped them).
   * @throws FirehoseError `QFH_FIREHOSE_TIMEOUT` when the line never falls quiet within `limitMs`.
   */
  async settle(quietMs: number, limitMs: number): Promise<void> {
    const flood = floodWatch(quietMs, limitMs);
    while (this.owed > 0) {
      flood.check();
      let messages: Messages;
      try {
        messages = await this.nextDocument(quietMs, 'a command that had timed out');
      } catch (e) {
        if (!(e instanceof FirehoseSilence)) throw e;
        break;
      }
      for (const m of messages) {
        if (m.kind === 'log') this.log(m.value);
        else if (m.kind === 'response') {
          this.owed--;
          this.log(`(qfh: dropped a late ${m.value} owed to a command that had timed out)`);
        }
      }
    }
    this.owed = 0;
  }

  /**
   * Drops whatever a programmer that was already running still had to say (answers to an
   * earlier session, or to the Sahara probe that found it), until the line is quiet for
   * `quietMs`: none of it answers a command of this session.
   */
  async discardUntilQuiet(quietMs: number, limitMs: number): Promise<void> {
    const flood = floodWatch(quietMs, limitMs);
    for (;;) {
      flood.check();
      let messages: Messages;
      try {
        messages = await this.nextDocument(quietMs, 'a programmer that was already running');
      } catch (e) {
        if (e instanceof FirehoseSilence) return;
        throw e;
      }
      for (const m of messages)
        if (m.kind === 'log') this.log(m.value);
        else if (m.kind === 'response') this.log(`(qfh: dropped a stale ${m.value})`);
    }
  }

  /** Logs that arrive within `quietMs` (after the last command, e.g. power), for `limitMs` at most. */
  async drainLogs(quietMs: number, limitMs: number): Promise<string[]> {
    const out = this.takeLateLogs();
    const end = Date.now() + limitMs;
    for (;;) {
      if (Date.now() > end) return out;
      let messages: Messages;
      try {
        messages = await this.nextDocument(quietMs, 'late logs');
      } catch (e) {
        // The usual ends: silence, or the device leaving the bus after the reset it ACKed.
        // Any transport error here is that departure, however the host reports it: no
        // device, or a transfer error on the read in flight (dummy_hcd, xHCI's -EPROTO)
        // when the hub notices the port go too late for the transport to name it.
        if (e instanceof FirehoseSilence || e instanceof TransportError) return out;
        throw e;
      }
      for (const m of messages) if (m.kind === 'log') this.keep(m.value, out);
    }
  }

  private keep(line: string, into: string[]): void {
    this.log(line);
    into.push(line);
  }
}
