/**
 * The in-process {@link Transport} to a simulated modem: device transfers queue up and are
 * read as a USB host would read them (a read takes at most one transfer; a larger transfer
 * is returned over several reads; an empty transfer is a ZLP). Every call is asynchronous,
 * as real I/O is.
 *
 * @module
 */
import { TransportClosedError, TransportTimeoutError } from '../errors.js';
import type { ReadOptions, Transport, WriteOptions } from '../transport/transport.js';

/** The device end of a link: where the modem puts transfers and learns of host writes. */
export interface LinkDevice {
  /** Host bytes arrive; resolves when the device has taken them. */
  fromHost(data: Uint8Array): Promise<void>;
  /** See {@link SimLink.readLength}. */
  readLength?(): number | undefined;
}

type Waiter = { resolve: () => void; reject: (e: Error) => void };

/** One USB attachment of the simulated device. */
export class SimLink implements Transport {
  /** The simulated programmer reads host bytes as a stream, whatever the write sizes. */
  readonly byteStream = true;
  /** Transfers for the host; `head` is the next one (an index, so taking one costs O(1)). */
  private queue: Uint8Array[] = [];
  private head = 0;
  private waiters: Waiter[] = [];
  private closed: TransportClosedError | undefined;
  /** When the link ended (performance.now()), for hosts that notice a departure late. */
  closedAt: number | undefined;
  private writing = false;

  constructor(
    readonly description: string,
    private readonly device: LinkDevice,
  ) {}

  /** Device side: queue a transfer for the host. */
  push(transfer: Uint8Array): void {
    if (this.closed) return;
    this.queue.push(transfer);
    this.wake();
  }

  /** Device side: the device went away (reset, unplug, power loss). */
  disconnect(reason: string): void {
    this.fail(
      new TransportClosedError(`${this.description}: ${reason}`, { disconnected: true }),
      false,
    );
  }

  /**
   * How many bytes the device's next OUT read asks for, where the endpoint layer (the fake
   * `usb` module, the FunctionFS gadget) ends a read: a number is an exact-length read, which
   * ends once that many bytes came, ZLP or not (a PBL taking a READ_DATA answer, a programmer
   * with `ZlpAwareHost=0` taking raw data); `undefined` is a read of the endpoint's buffer,
   * which only a short packet or a ZLP ends before it is full.
   */
  readLength(): number | undefined {
    return this.device.readLength?.();
  }

  /** Whether the link is still attached. */
  get attached(): boolean {
    return this.closed === undefined;
  }

  /** Transfers waiting to be read (for tests). */
  get queued(): number {
    return this.queue.length - this.head;
  }

  /** Takes the head transfer, compacting the array now and then. */
  private shift(): void {
    this.head++;
    if (this.head >= 1024 && this.head * 2 >= this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  private fail(error: TransportClosedError, dropQueued: boolean): void {
    if (this.closed) return;
    this.closed = error;
    this.closedAt = performance.now();
    // Transfers that reached the host before a disconnect stay readable; close() drops them.
    if (dropQueued) {
      this.queue = [];
      this.head = 0;
    }
    for (const w of this.waiters) w.reject(error);
    this.waiters = [];
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.resolve();
  }

  async read(maxBytes: number, options: ReadOptions): Promise<Uint8Array> {
    await Promise.resolve();
    const deadline = Date.now() + options.timeoutMs;
    for (;;) {
      const head = this.queue[this.head];
      if (head === undefined && this.closed) throw this.closed;
      if (head !== undefined) {
        if (head.length <= maxBytes) {
          this.shift();
          return head;
        }
        this.queue[this.head] = head.subarray(maxBytes);
        return head.subarray(0, maxBytes);
      }
      if (this.closed) throw this.closed;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new TransportTimeoutError(
          `${this.description}: no data within ${options.timeoutMs} ms`,
        );
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve();
        }, left);
        const onAbort = (): void => {
          clearTimeout(timer);
          reject(new TransportTimeoutError(`${this.description}: read aborted`));
        };
        const waiter: Waiter = {
          resolve: () => {
            clearTimeout(timer);
            options.signal?.removeEventListener('abort', onAbort);
            resolve();
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        };
        options.signal?.addEventListener('abort', onAbort, { once: true });
        this.waiters.push(waiter);
      });
    }
  }

  async write(data: Uint8Array, options: WriteOptions): Promise<void> {
    if (this.closed) throw this.closed;
    if (this.writing)
      throw new Error('SimLink: overlapping writes (a host bug: writes must not overlap)');
    this.writing = true;
    try {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new TransportTimeoutError(
                `${this.description}: write not taken within ${options.timeoutMs} ms`,
              ),
            ),
          options.timeoutMs,
        );
      });
      try {
        // No copy: the device copies whatever it keeps before this write resolves.
        await Promise.race([this.device.fromHost(data), timeout]);
      } finally {
        clearTimeout(timer);
      }
      if (this.closed) throw this.closed;
    } finally {
      this.writing = false;
    }
  }

  async close(): Promise<void> {
    this.fail(new TransportClosedError(`${this.description}: closed`), true);
    await Promise.resolve();
  }
}
