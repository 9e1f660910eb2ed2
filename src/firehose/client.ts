/**
 * The host side of Firehose: the start-up banner, configure with payload negotiation, every
 * command qfh uses, raw-mode program and read streamed in payload-sized chunks, and NAKs as
 * {@link FirehoseNakError} carrying the programmer's log lines. Responses are matched to
 * commands ({@link ResponseReader}). Written from research/edl.md §2 and captures.md §1.4–1.8.
 *
 * @module
 */
import { FirehoseError, FirehoseNakError } from '../errors.js';
import type { Transport } from '../transport/transport.js';
import { digestTimeout, eraseTimeout, programFinalTimeout, type Timeouts } from '../timeouts.js';
import { awaitBanner } from './await-banner.js';
import { FunctionListReader } from './banner.js';
import {
  eraseCommand,
  nopCommand,
  patchCommand,
  powerCommand,
  programCommand,
  readCommand,
  setBootableStorageDriveCommand,
  sha256DigestCommand,
  storageInfoCommand,
  verbatimEraseCommand,
  type PatchOptions,
  type SectorRange,
} from './commands.js';
import { configure, type ConfigureRequest, type Negotiated } from './configure.js';
import { digestIn, holdsDigest } from './digest-answer.js';
import { readRaw, writeRaw } from './raw-transfer.js';
import { ResponseReader, type Exchange } from './response-reader.js';
import { parseStorageInfo, type StorageInfo } from './storage-info.js';
import { encodeDocument, type Attribute, type FirehoseElement } from './xml.js';

export type { Exchange } from './response-reader.js';
export type { Negotiated } from './configure.js';
export type { StorageInfo } from './storage-info.js';

/** Options for {@link FirehoseClient}. */
export interface FirehoseClientOptions {
  readonly timeouts: Timeouts;
  /** Every `<log>` line, as it arrives. */
  readonly onLog?: ((line: string) => void) | undefined;
  /** Largest read asked of the transport. @default 1048576 */
  readonly readChunk?: number | undefined;
  /**
   * Stops the session at the next safe point: before a command is sent or while waiting
   * for an answer, never inside a raw data phase.
   */
  readonly signal?: AbortSignal | undefined;
  /** Bytes already read from the programmer by an earlier layer (Sahara saw XML instead of HELLO). */
  readonly initialBytes?: Uint8Array | undefined;
}

/** Whether the programmer offers a function: known from its banner, or learnt by trying. */
export type Support = 'yes' | 'no' | 'unknown';

const attr = (attributes: readonly Attribute[], name: string): string | undefined =>
  attributes.find(([k]) => k === name)?.[1];

const bytesOf = (r: SectorRange): number => Number(r.numPartitionSectors) * r.sectorSizeInBytes;

/** A Firehose session on a transport whose programmer is running. */
export class FirehoseClient {
  private readonly reader: ResponseReader;
  private readonly announced = new FunctionListReader();
  private readonly refused = new Set<string>();
  /** What configure settled on. */
  negotiated: Negotiated | undefined;
  /** Commands written to the transport so far, by tag (counted before each write starts). */
  readonly sentCounts = new Map<string, number>();

  constructor(
    readonly transport: Transport,
    private readonly options: FirehoseClientOptions,
  ) {
    this.reader = new ResponseReader(transport, {
      onLog: (line) => {
        this.announced.push(line);
        options.onLog?.(line);
      },
      readChunk: options.readChunk,
      signal: options.signal,
    });
    if (options.initialBytes?.length) this.reader.framer.push(options.initialBytes);
  }

  /** The timeouts this session uses. */
  get timeouts(): Timeouts {
    return this.options.timeouts;
  }

  /** Functions the programmer announced, from any log line seen so far. */
  get functions(): ReadonlySet<string> {
    return this.announced.functions;
  }

  /** Whether the programmer offers `name`. */
  supports(name: string): Support {
    if (this.refused.has(name)) return 'no';
    if (this.announced.functions.has(name)) return 'yes';
    return this.announced.complete ? 'no' : 'unknown';
  }

  /**
   * Waits for the start-up banner: real programmers send it about 1 s after Sahara DONE, so
   * the wait is the table's `firehoseBanner`; it ends early at the line that closes the
   * function list, or once lines have come and the line has been quiet for a moment.
   */
  async readBanner(): Promise<string[]> {
    return awaitBanner(this.reader, this.timeouts.firehoseBanner);
  }

  /** Drops what a programmer that was already running still sends (see the reader). */
  async discardStale(): Promise<void> {
    await this.reader.discardUntilQuiet(this.timeouts.staleQuiet, this.timeouts.logFlood);
  }

  /** Sends one command (after settling owed answers) and reads logs until its response. */
  async exchange(element: FirehoseElement, timeoutMs: number): Promise<Exchange> {
    await this.send(element, timeoutMs);
    return this.reader.awaitResponse(element.tag, timeoutMs);
  }

  /** Writes one command once the answers owed to earlier commands are read or given up. */
  async send(element: FirehoseElement, timeoutMs: number): Promise<void> {
    this.reader.throwIfAborted();
    await this.reader.settle(this.timeouts.staleQuiet, this.timeouts.logFlood);
    this.reader.throwIfAborted();
    this.sentCounts.set(element.tag, (this.sentCounts.get(element.tag) ?? 0) + 1);
    await this.transport.write(encodeDocument([element]), { timeoutMs });
  }

  /** Configures the programmer (see {@link configure}). */
  async configure(o: ConfigureRequest): Promise<Negotiated> {
    this.negotiated = await configure(this, this.reader, o);
    return this.negotiated;
  }

  private payload(): number {
    return this.negotiated?.payloadToTarget ?? 8192;
  }

  /**
   * Programs `range` from `data` (an async iterable of any piece sizes) in raw mode: pieces
   * of the negotiated payload, the last zero-padded to whole sectors.
   */
  async program(
    range: SectorRange,
    data: AsyncIterable<Uint8Array>,
    o: { onBytes?: (sent: number) => void; element?: FirehoseElement } = {},
  ): Promise<Exchange> {
    const t = this.timeouts;
    this.reader.throwIfAborted();
    return this.reader.shielded(async () => {
      const ack = await this.exchange(o.element ?? programCommand(range), t.programAck);
      if (attr(ack.attributes, 'rawmode') !== 'true')
        throw new FirehoseError(
          'QFH_FIREHOSE_UNEXPECTED',
          '<program> was ACKed without rawmode="true"',
        );
      await writeRaw(this.reader, data, {
        total: bytesOf(range),
        payload: this.payload(),
        timeouts: t,
        onBytes: o.onBytes,
      });
      return this.reader.awaitResponse('program', programFinalTimeout(t, bytesOf(range)));
    });
  }

  /** Reads `range` in raw mode, handing each piece to `onData`. */
  async read(
    range: SectorRange,
    onData: (piece: Uint8Array) => void | Promise<void>,
  ): Promise<Exchange> {
    const t = this.timeouts;
    this.reader.throwIfAborted();
    return this.reader.shielded(async () => {
      const ack = await this.exchange(readCommand(range), t.programAck);
      if (attr(ack.attributes, 'rawmode') !== 'true')
        throw new FirehoseError(
          'QFH_FIREHOSE_UNEXPECTED',
          '<read> was ACKed without rawmode="true"',
        );
      const readChunk = this.options.readChunk ?? 1 << 20;
      await readRaw(this.reader, bytesOf(range), { timeouts: t, readChunk, onData });
      return this.reader.awaitResponse('read', t.programFinal);
    });
  }

  /** Erases a sector range. */
  async erase(range: SectorRange): Promise<Exchange> {
    return this.exchange(eraseCommand(range), eraseTimeout(this.timeouts, bytesOf(range)));
  }

  /** Sends an `<erase>` with exactly these attributes (never attribute-less). */
  async eraseVerbatim(attributes: readonly Attribute[], bytes = 0): Promise<Exchange> {
    return this.exchange(verbatimEraseCommand(attributes), eraseTimeout(this.timeouts, bytes));
  }

  /** Applies a patch the programmer evaluates (filename="DISK"). */
  async patch(o: PatchOptions): Promise<Exchange> {
    return this.exchange(patchCommand(o), this.timeouts.patch);
  }

  /** Sends a `<patch>` with exactly these attributes. */
  async patchVerbatim(attributes: readonly Attribute[]): Promise<Exchange> {
    return this.exchange({ tag: 'patch', attributes }, this.timeouts.patch);
  }

  /**
   * SHA-256 of a sector range as the programmer computes it (hex, lower case). A programmer
   * whose banner did not say is asked anyway; its NAK marks the function unsupported.
   * @throws FirehoseError QFH_FIREHOSE_UNSUPPORTED when the programmer has no digest.
   * @throws AmbiguousDigestError when its answer holds more than one digest.
   */
  async sha256(range: SectorRange): Promise<string> {
    const readBack = { hint: 'Verify by reading back instead.' };
    const no = 'this programmer has no getsha256digest';
    if (this.supports('getsha256digest') === 'no')
      throw new FirehoseError('QFH_FIREHOSE_UNSUPPORTED', no, readBack);
    // Log lines kept from earlier commands are theirs: a digest among them is not this range's.
    this.reader.takeLateLogs();
    let done: Exchange;
    try {
      done = await this.exchange(
        sha256DigestCommand(range),
        digestTimeout(this.timeouts, bytesOf(range)),
      );
    } catch (e) {
      if (!(e instanceof FirehoseNakError) || this.supports('getsha256digest') === 'yes') throw e;
      this.refused.add('getsha256digest');
      throw new FirehoseError(
        'QFH_FIREHOSE_UNSUPPORTED',
        'this programmer refused getsha256digest',
        {
          cause: e,
          ...readBack,
        },
      );
    }
    const lines = done.logs.filter(holdsDigest);
    if (lines.length === 0) {
      const late = await this.reader.lateLogMatching(holdsDigest, this.timeouts.command);
      if (late !== undefined) lines.push(late);
    }
    const digest = digestIn(lines);
    if (!digest)
      throw new FirehoseError(
        'QFH_FIREHOSE_UNEXPECTED',
        `getsha256digest gave no digest (logs: ${done.logs.join(' / ')})`,
      );
    return digest;
  }

  /**
   * Storage facts from the JSON log line of getstorageinfo.
   * @throws FirehoseError when the programmer answers without one.
   */
  async storageInfo(lun = 0): Promise<StorageInfo> {
    const done = await this.exchange(
      storageInfoCommand({ physicalPartitionNumber: lun }),
      this.timeouts.command,
    );
    const isInfo = (l: string): boolean => parseStorageInfo([l]) !== undefined;
    const line =
      done.logs.find(isInfo) ?? (await this.reader.lateLogMatching(isInfo, this.timeouts.command));
    const info = line === undefined ? undefined : parseStorageInfo([line]);
    if (info) return info;
    throw new FirehoseError(
      'QFH_FIREHOSE_UNEXPECTED',
      `getstorageinfo for LUN ${lun} gave no storage_info line (logs: ${done.logs.join(' / ') || 'none'})`,
      {
        hint: 'qfh needs the disk size to check where each image goes; nothing was written. Check the programmer is the one for this modem.',
      },
    );
  }

  /** A liveness probe. */
  async nop(): Promise<Exchange> {
    return this.exchange(nopCommand(), this.timeouts.command);
  }

  /** Resets (into the new firmware) or powers off; the device then leaves the bus. */
  async power(value: 'reset' | 'off', delayInSeconds?: number): Promise<Exchange> {
    const delay = delayInSeconds === undefined ? {} : { delayInSeconds };
    return this.exchange(powerCommand({ value, ...delay }), this.timeouts.command);
  }

  /** Marks the LUN the PBL boots from. */
  async setBootableStorageDrive(value: number): Promise<Exchange> {
    return this.exchange(setBootableStorageDriveCommand({ value }), this.timeouts.command);
  }

  /** Logs that arrive within `quietMs` (after the last command, e.g. power). */
  async drainLogs(quietMs = 100): Promise<string[]> {
    return this.reader.drainLogs(quietMs, this.timeouts.logFlood);
  }
}
