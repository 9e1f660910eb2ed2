/**
 * The one interface every byte path implements (usb, tty/MHI char devices, TCP, the
 * simulator, recording/replay). Contract (docs/ARCHITECTURE.md, Contracts):
 * - `read` resolves with at least one byte, or with zero bytes for a zero-length packet;
 *   it rejects with TransportTimeoutError or TransportClosedError. Protocol layers never
 *   rely on transfer boundaries.
 * - `write` resolves once the medium has taken every byte; writes never overlap.
 * - `close` rejects pending calls.
 *
 * @module
 */

/** Options of one read. */
export interface ReadOptions {
  /** Give up after this many milliseconds with TransportTimeoutError. */
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Options of one write. */
export interface WriteOptions {
  timeoutMs: number;
}

/** A bidirectional byte stream to a device. */
export interface Transport {
  /** Human description for messages, e.g. `usb 1-1.4 05c6:9008`, `sim eg25g`. */
  readonly description: string;
  /** Up to `maxBytes` bytes; at least one unless the device sent a zero-length packet. */
  read(maxBytes: number, options: ReadOptions): Promise<Uint8Array>;
  /** Sends every byte of `data`. */
  write(data: Uint8Array, options: WriteOptions): Promise<void>;
  /** Releases the device; pending reads and writes reject. */
  close(): Promise<void>;
  /**
   * The link carries Firehose only: the programmer was started outside Sahara (the PCIe EDL
   * nodes, where the kernel or BHI loaded it), so the host must not speak Sahara here.
   */
  readonly firehoseOnly?: boolean;
  /**
   * The medium keeps no write boundaries (TCP, the in-process simulator): the device reads
   * a byte stream, so protocol layers may join several payloads into one write. Unset for
   * USB, where each payload is one transfer as the programmer expects.
   */
  readonly byteStream?: boolean;
}
