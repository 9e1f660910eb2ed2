/**
 * A {@link Transport} wrapper that reports every transfer as the USB bulk URBs an EDL device's
 * endpoints would carry, whatever the transport underneath (usb, tty, TCP, the simulator):
 * a submission when the host starts a read or write, a completion when it ends. Writes are cut
 * into transfers of `transferSize` and followed by a zero-length packet when they end on a
 * packet boundary, as qfh's usb backend does; a read that times out completes as a cancelled
 * URB (-ENOENT), not as a ZLP. Observers turn the events into pcapng or a debug bundle.
 *
 * @module
 */
import { TransportClosedError, TransportTimeoutError } from '../errors.js';
import type { ReadOptions, Transport, WriteOptions } from '../transport/transport.js';

/** One URB event. */
export type TransferEvent =
  | {
      readonly kind: 'submit';
      /** Pairs a submission with its completion. */
      readonly urb: number;
      readonly dir: 'in' | 'out';
      /** Microseconds since 1970. */
      readonly timeUs: number;
      /** OUT: the bytes sent. IN: empty. */
      readonly data: Uint8Array;
      /** OUT: data.length. IN: the buffer offered (maxBytes). */
      readonly length: number;
    }
  | {
      readonly kind: 'complete';
      readonly urb: number;
      readonly dir: 'in' | 'out';
      readonly timeUs: number;
      /** IN: the bytes received. OUT: empty. */
      readonly data: Uint8Array;
      /** Bytes transferred. */
      readonly length: number;
      /** 0, or a negative errno as usbmon reports it. */
      readonly status: number;
    };

/** Receives every event, in order. */
export type TransferObserver = (event: TransferEvent) => void;

/** Options of {@link TappedTransport}. */
export interface TapOptions {
  /** wMaxPacketSize of the bulk endpoints (512 at high speed). @default 512 */
  readonly maxPacket?: number;
  /** Largest OUT transfer (qfh's usb backend cuts writes at 64 KiB). @default 65536 */
  readonly transferSize?: number;
  /** Microseconds since 1970, for tests. @default a monotonic clock anchored at Date.now() */
  readonly clockUs?: () => number;
}

/** usbmon statuses for the ways a transfer ends early. */
const ENOENT = -2;
const ESHUTDOWN = -108;
const EPROTO = -71;

function monotonicClock(): () => number {
  const epochUs = Date.now() * 1000;
  const start = process.hrtime.bigint();
  return () => epochUs + Number((process.hrtime.bigint() - start) / 1000n);
}

/** Reports the transfers of `inner` to `observers`. */
export class TappedTransport implements Transport {
  private urb = 0;
  private readonly clockUs: () => number;

  constructor(
    private readonly inner: Transport,
    private readonly observers: readonly TransferObserver[],
    private readonly options: TapOptions = {},
  ) {
    this.clockUs = options.clockUs ?? monotonicClock();
  }

  get firehoseOnly(): boolean {
    return this.inner.firehoseOnly ?? false;
  }

  /**
   * As the medium tapped: a byte stream stays one (its large writes are recorded as
   * transfers of `transferSize`), or every CLI flash, which is always tapped for the
   * failure bundle, would send 8 KiB NAND payloads one write each.
   */
  get byteStream(): boolean {
    return this.inner.byteStream ?? false;
  }

  get description(): string {
    return this.inner.description;
  }

  private emit(event: TransferEvent): void {
    for (const observe of this.observers) observe(event);
  }

  async read(maxBytes: number, options: ReadOptions): Promise<Uint8Array> {
    const urb = ++this.urb;
    const empty = new Uint8Array(0);
    this.emit({
      kind: 'submit',
      urb,
      dir: 'in',
      timeUs: this.clockUs(),
      data: empty,
      length: maxBytes,
    });
    try {
      const data = await this.inner.read(maxBytes, options);
      this.emit({
        kind: 'complete',
        urb,
        dir: 'in',
        timeUs: this.clockUs(),
        data,
        length: data.length,
        status: 0,
      });
      return data;
    } catch (e) {
      this.emit({
        kind: 'complete',
        urb,
        dir: 'in',
        timeUs: this.clockUs(),
        data: empty,
        length: 0,
        status: statusOf(e),
      });
      throw e;
    }
  }

  async write(data: Uint8Array, options: WriteOptions): Promise<void> {
    const size = this.options.transferSize ?? 65536;
    const maxPacket = this.options.maxPacket ?? 512;
    const pieces: Uint8Array[] = [];
    for (let at = 0; at < data.length; at += size) pieces.push(data.subarray(at, at + size));
    if (data.length === 0 || data.length % maxPacket === 0) pieces.push(new Uint8Array(0));
    const urbs = pieces.map((piece) => {
      const urb = ++this.urb;
      this.emit({
        kind: 'submit',
        urb,
        dir: 'out',
        timeUs: this.clockUs(),
        data: piece,
        length: piece.length,
      });
      return urb;
    });
    let status = 0;
    try {
      if (data.length > 0) await this.inner.write(data, options);
    } catch (e) {
      status = statusOf(e);
      throw e;
    } finally {
      const timeUs = this.clockUs();
      urbs.forEach((urb, i) => {
        const length = status === 0 ? (pieces[i]?.length ?? 0) : 0;
        this.emit({
          kind: 'complete',
          urb,
          dir: 'out',
          timeUs,
          data: new Uint8Array(0),
          length,
          status,
        });
      });
    }
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

function statusOf(e: unknown): number {
  if (e instanceof TransportTimeoutError) return ENOENT;
  if (e instanceof TransportClosedError) return ESHUTDOWN;
  return EPROTO;
}
