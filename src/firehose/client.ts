/**
 * The host side of Firehose: configure with payload negotiation (down on a NAK that names
 * the size the programmer takes, up to what it says it supports), every command qfh uses,
 * raw-mode program and read streamed in payload-sized chunks, and NAKs as
 * {@link FirehoseNakError} carrying the programmer's log lines. Logs that arrive after a
 * response are kept and handed to the next exchange. Written from research/edl.md §2 and
 * captures.md §1.4–1.8.
 *
 * @module
 */
import { FirehoseError, FirehoseNakError, TransportTimeoutError } from '../errors.js';
import type { Transport } from '../transport/transport.js';
import type { Timeouts } from '../timeouts.js';
import {
  configureCommand,
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
import { FirehoseFramer } from './framer.js';
import {
  encodeDocument,
  parseDeviceDocument,
  type Attribute,
  type FirehoseElement,
} from './xml.js';

/** What the programmer agreed to in configure. */
export interface Negotiated {
  readonly memoryName: string;
  readonly payloadToTarget: number;
  readonly payloadToTargetSupported: number | undefined;
  readonly payloadFromTarget: number | undefined;
  readonly targetName: string | undefined;
  readonly attributes: readonly Attribute[];
}

/** A completed exchange: the response's attributes and every log line that came with it. */
export interface Exchange {
  readonly attributes: readonly Attribute[];
  readonly logs: readonly string[];
}

/** Storage facts from getstorageinfo. */
export interface StorageInfo {
  readonly totalBlocks: number;
  readonly blockSize: number;
  readonly pageSize: number;
  readonly numPhysical: number;
  readonly memType: string;
  readonly raw: Record<string, unknown>;
}

/** Options for {@link FirehoseClient}. */
export interface FirehoseClientOptions {
  readonly timeouts: Timeouts;
  /** Every `<log>` line, as it arrives. */
  readonly onLog?: (line: string) => void;
  /** Largest read asked of the transport. @default 1048576 */
  readonly readChunk?: number;
}

const attr = (attributes: readonly Attribute[], name: string): string | undefined =>
  attributes.find(([k]) => k === name)?.[1];

/** A Firehose session on a transport whose programmer is running. */
export class FirehoseClient {
  private readonly framer = new FirehoseFramer({ maxDocumentBytes: 1 << 20 });
  private lateLogs: string[] = [];
  /** Functions the programmer announced (empty until {@link readBanner}). */
  readonly functions = new Set<string>();
  /** What configure settled on. */
  negotiated: Negotiated | undefined;

  constructor(
    readonly transport: Transport,
    private readonly options: FirehoseClientOptions,
  ) {}

  private log(line: string): void {
    this.options.onLog?.(line);
  }

  private keep(line: string, into: string[]): void {
    this.log(line);
    into.push(line);
  }

  /** Reads until a document is complete; returns its messages. */
  private async nextDocument(
    deadline: number,
    what: string,
  ): Promise<ReturnType<typeof parseDeviceDocument>> {
    for (;;) {
      const text = this.framer.nextDocument();
      if (text !== undefined) return parseDeviceDocument(text);
      const left = deadline - Date.now();
      if (left <= 0)
        throw new FirehoseError('QFH_FIREHOSE_UNEXPECTED', `no answer to ${what} in time`, {
          hint: 'The programmer stopped answering. Power-cycle the modem so it returns to EDL (9008), then run qfh edl-recover.',
        });
      this.framer.push(
        await this.transport.read(this.options.readChunk ?? 1 << 20, { timeoutMs: left }),
      );
    }
  }

  /**
   * Collects the start-up banner (logs the programmer sends unprompted) until it is quiet
   * for `quietMs`, and records the supported functions in either of the two real forms.
   */
  async readBanner(quietMs = 300, maxMs = 3000): Promise<string[]> {
    const lines: string[] = [];
    const end = Date.now() + maxMs;
    for (;;) {
      let messages;
      try {
        messages = await this.nextDocument(
          Math.min(end, Date.now() + quietMs),
          'the start-up banner',
        );
      } catch (e) {
        if (e instanceof FirehoseError || e instanceof TransportTimeoutError) break;
        throw e;
      }
      for (const m of messages) if (m.kind === 'log') lines.push(m.value);
      // Both real banner forms end with a line that says so: no need to wait for silence.
      if (
        lines.some((l) =>
          /End of supported functions|^Supported Functions:/.test(l.replace(/^INFO:\s*/, '')),
        )
      )
        break;
      if (Date.now() >= end) break;
    }
    lines.forEach((l) => this.log(l));
    this.noteFunctions(lines);
    return lines;
  }

  private noteFunctions(lines: readonly string[]): void {
    let inList = false;
    for (const raw of lines) {
      const line = raw.replace(/^INFO:\s*/, '').trim();
      const single = /^Supported Functions:\s*(.*)$/.exec(line);
      if (single)
        single[1]
          ?.split(/\s+/)
          .filter(Boolean)
          .forEach((f) => this.functions.add(f));
      else if (/^Supported Functions \(\d+\):?$/.test(line)) inList = true;
      else if (/^End of supported functions/.test(line)) inList = false;
      else if (inList && /^\w+$/.test(line)) this.functions.add(line);
    }
  }

  /** Sends one command and reads logs until its response. A NAK throws FirehoseNakError. */
  async exchange(element: FirehoseElement, timeoutMs: number): Promise<Exchange> {
    await this.transport.write(encodeDocument([element]), { timeoutMs });
    return this.awaitResponse(element.tag, timeoutMs);
  }

  private async awaitResponse(command: string, timeoutMs: number): Promise<Exchange> {
    const logs = this.lateLogs;
    this.lateLogs = [];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const messages = await this.nextDocument(deadline, `<${command}>`);
      const at = messages.findIndex((m) => m.kind === 'response');
      for (const m of at < 0 ? messages : messages.slice(0, at))
        if (m.kind === 'log') this.keep(m.value, logs);
      if (at < 0) continue;
      for (const m of messages.slice(at + 1))
        if (m.kind === 'log') this.keep(m.value, this.lateLogs);
      const response = messages[at];
      if (response?.kind !== 'response') continue;
      if (response.value !== 'ACK' && response.value.toLowerCase() !== 'true')
        throw new FirehoseNakError(command, response.attributes, logs);
      return { attributes: response.attributes, logs };
    }
  }

  /** Logs that arrive within `quietMs` (after the last command, e.g. power). */
  async drainLogs(quietMs = 100): Promise<string[]> {
    const out = this.lateLogs;
    this.lateLogs = [];
    try {
      for (;;)
        for (const m of await this.nextDocument(Date.now() + quietMs, 'late logs'))
          if (m.kind === 'log') this.keep(m.value, out);
    } catch {
      return out;
    }
  }

  /**
   * Configures the programmer. A NAK that names MaxPayloadSizeToTargetInBytes is retried
   * once with that size; an ACK that says more is supported than was asked is re-sent with
   * the larger size (up to `maxPayload`). Silence is retried until the start-up deadline,
   * because the banner comes about a second after Sahara ends.
   */
  async configure(o: {
    memoryName: string;
    maxPayload: number;
    skipStorageInit?: boolean;
  }): Promise<Negotiated> {
    const t = this.options.timeouts;
    const deadline = Date.now() + t.firehoseStartup;
    let asked = o.maxPayload;
    let triedDown = false;
    for (;;) {
      let ack: Exchange;
      try {
        ack = await this.exchange(
          configureCommand({
            memoryName: o.memoryName,
            maxPayloadSizeToTargetInBytes: asked,
            ...(o.skipStorageInit ? { skipStorageInit: 1 } : {}),
          }),
          t.configure,
        );
      } catch (e) {
        if (e instanceof FirehoseNakError) {
          const offered = Number(attr(e.attributes, 'MaxPayloadSizeToTargetInBytes'));
          if (!triedDown && Number.isFinite(offered) && offered > 0 && offered < asked) {
            triedDown = true;
            asked = offered;
            continue;
          }
          throw e;
        }
        // Silence: the programmer may still be starting (its banner comes ≈1 s after Sahara).
        if (
          (e instanceof FirehoseError || e instanceof TransportTimeoutError) &&
          Date.now() < deadline
        )
          continue;
        throw e;
      }
      const agreed = Number(attr(ack.attributes, 'MaxPayloadSizeToTargetInBytes') ?? asked);
      const supported = Number(
        attr(ack.attributes, 'MaxPayloadSizeToTargetInBytesSupported') ?? NaN,
      );
      if (Number.isFinite(supported) && supported > agreed && agreed < o.maxPayload && !triedDown) {
        triedDown = true; // one step up, never a loop
        asked = Math.min(supported, o.maxPayload);
        continue;
      }
      const from = attr(ack.attributes, 'MaxPayloadSizeFromTargetInBytes');
      this.negotiated = {
        memoryName: attr(ack.attributes, 'MemoryName') ?? o.memoryName,
        payloadToTarget: agreed,
        payloadToTargetSupported: Number.isFinite(supported) ? supported : undefined,
        payloadFromTarget: from === undefined ? undefined : Number(from),
        targetName: attr(ack.attributes, 'TargetName'),
        attributes: ack.attributes,
      };
      return this.negotiated;
    }
  }

  private payload(): number {
    return this.negotiated?.payloadToTarget ?? 8192;
  }

  /**
   * Programs `range` from `data` (an async iterable of any piece sizes) in raw mode: pieces
   * of the negotiated payload, the last zero-padded to whole sectors.
   * @param onBytes called after each write with the bytes sent so far
   */
  async program(
    range: SectorRange,
    data: AsyncIterable<Uint8Array>,
    onBytes?: (sent: number) => void,
    element?: FirehoseElement,
  ): Promise<Exchange> {
    const t = this.options.timeouts;
    const total = Number(range.numPartitionSectors) * range.sectorSizeInBytes;
    const ack = await this.exchange(element ?? programCommand(range), t.programAck);
    if (attr(ack.attributes, 'rawmode') !== 'true')
      throw new FirehoseError(
        'QFH_FIREHOSE_UNEXPECTED',
        '<program> was ACKed without rawmode="true"',
      );
    const size = this.payload();
    const buffer = new Uint8Array(size);
    let filled = 0;
    let sent = 0;
    const flush = async (n: number): Promise<void> => {
      await this.transport.write(buffer.subarray(0, n), { timeoutMs: t.rawData });
      sent += n;
      filled = 0;
      onBytes?.(sent);
    };
    for await (const piece of data) {
      if (sent + filled + piece.length > total)
        throw new FirehoseError(
          'QFH_FIREHOSE_UNEXPECTED',
          `image data is longer than the ${total} bytes the <program> announced`,
          {
            hint: 'This is a bug in the plan that sent it; nothing past the partition was written.',
          },
        );
      let at = 0;
      // Whole payloads straight from the source's piece, no copy into the buffer.
      while (filled === 0 && piece.length - at >= size) {
        await this.transport.write(piece.subarray(at, at + size), { timeoutMs: t.rawData });
        sent += size;
        at += size;
        onBytes?.(sent);
      }
      while (at < piece.length) {
        const n = Math.min(size - filled, piece.length - at);
        buffer.set(piece.subarray(at, at + n), filled);
        filled += n;
        at += n;
        if (filled === size) await flush(size);
      }
    }
    // Zero-pad to the announced size (the last sector, or a shorter-than-partition image).
    while (sent + filled < total) {
      const n = Math.min(size - filled, total - sent - filled);
      buffer.fill(0, filled, filled + n);
      filled += n;
      if (filled === size || sent + filled === total) await flush(filled);
    }
    if (filled > 0) await flush(filled);
    return this.awaitResponse('program', t.programFinal);
  }

  /** Reads `range` in raw mode, handing each piece to `onData`. */
  async read(
    range: SectorRange,
    onData: (piece: Uint8Array) => void | Promise<void>,
  ): Promise<Exchange> {
    const t = this.options.timeouts;
    const ack = await this.exchange(readCommand(range), t.programAck);
    if (attr(ack.attributes, 'rawmode') !== 'true')
      throw new FirehoseError('QFH_FIREHOSE_UNEXPECTED', '<read> was ACKed without rawmode="true"');
    let left = Number(range.numPartitionSectors) * range.sectorSizeInBytes;
    while (left > 0) {
      let piece = this.framer.takeRaw(left);
      if (!piece) {
        const got = await this.transport.read(Math.min(left, this.options.readChunk ?? 1 << 20), {
          timeoutMs: t.rawData,
        });
        if (got.length === 0) continue;
        piece = got.length > left ? got.subarray(0, left) : got;
        if (got.length > left) this.framer.push(got.subarray(left));
      }
      await onData(piece);
      left -= piece.length;
    }
    return this.awaitResponse('read', t.programFinal);
  }

  /** Erases a sector range. */
  async erase(range: SectorRange): Promise<Exchange> {
    return this.exchange(eraseCommand(range), this.options.timeouts.erase);
  }

  /** Sends an `<erase>` exactly as a package lists it (vendor lines); never attribute-less. */
  async eraseVerbatim(attributes: readonly Attribute[]): Promise<Exchange> {
    return this.exchange(verbatimEraseCommand(attributes), this.options.timeouts.erase);
  }

  /** Applies a patch the programmer evaluates (filename="DISK"). */
  async patch(o: PatchOptions): Promise<Exchange> {
    return this.exchange(patchCommand(o), this.options.timeouts.erase);
  }

  /** SHA-256 of a sector range as the programmer computes it (hex, lower case). */
  async sha256(range: SectorRange): Promise<string> {
    if (this.functions.size > 0 && !this.functions.has('getsha256digest'))
      throw new FirehoseError(
        'QFH_FIREHOSE_UNSUPPORTED',
        'this programmer has no getsha256digest',
        { hint: 'Verify by reading back instead.' },
      );
    const mib = (Number(range.numPartitionSectors) * range.sectorSizeInBytes) / (1 << 20);
    const done = await this.exchange(
      sha256DigestCommand(range),
      this.options.timeouts.programAck + mib * this.options.timeouts.digestPerMiB,
    );
    const digest = done.logs
      .map((l) => /\b([0-9a-fA-F]{64})\b/.exec(l)?.[1])
      .find((d) => d !== undefined);
    if (!digest)
      throw new FirehoseError(
        'QFH_FIREHOSE_UNEXPECTED',
        `getsha256digest gave no digest (logs: ${done.logs.join(' / ')})`,
      );
    return digest.toLowerCase();
  }

  /** Storage facts from the JSON log line of getstorageinfo. */
  async storageInfo(lun = 0): Promise<StorageInfo> {
    const done = await this.exchange(
      storageInfoCommand({ physicalPartitionNumber: lun }),
      this.options.timeouts.command,
    );
    for (const line of done.logs) {
      const at = line.indexOf('{');
      if (at < 0 || !line.includes('storage_info')) continue;
      try {
        const parsed = JSON.parse(line.slice(at)) as { storage_info?: Record<string, unknown> };
        const s = parsed.storage_info ?? {};
        return {
          totalBlocks: Number(s['total_blocks']),
          blockSize: Number(s['block_size']),
          pageSize: Number(s['page_size']),
          numPhysical: Number(s['num_physical']),
          memType: String(s['mem_type'] ?? ''),
          raw: s,
        };
      } catch {
        continue;
      }
    }
    throw new FirehoseError(
      'QFH_FIREHOSE_UNEXPECTED',
      'getstorageinfo gave no storage_info JSON line',
      { hint: 'This programmer reports storage differently; pass the disk size explicitly.' },
    );
  }

  /** A liveness probe. */
  async nop(): Promise<Exchange> {
    return this.exchange(nopCommand(), this.options.timeouts.command);
  }

  /** Resets (into the new firmware) or powers off; the device then leaves the bus. */
  async power(value: 'reset' | 'off', delayInSeconds?: number): Promise<Exchange> {
    return this.exchange(
      powerCommand({ value, ...(delayInSeconds === undefined ? {} : { delayInSeconds }) }),
      this.options.timeouts.command,
    );
  }

  /** Marks the LUN the PBL boots from. */
  async setBootableStorageDrive(value: number): Promise<Exchange> {
    return this.exchange(setBootableStorageDriveCommand({ value }), this.options.timeouts.command);
  }
}
