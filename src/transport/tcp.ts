/**
 * A {@link Transport} over TCP: a plain byte stream to `host:port` (the simulator's
 * `qfh simulate --listen`, or a USB-over-TCP bridge like QFirehose's `-p host:port`).
 * TCP has no transfers, so reads return whatever has arrived, up to `maxBytes`.
 *
 * @module
 */
import { connect, type Socket } from 'node:net';
import {
  DeviceNotFoundError,
  type QfhError,
  TransportClosedError,
  TransportError,
  TransportTimeoutError,
} from '../errors.js';
import { busyReason } from './busy-notice.js';
import type { ReadOptions, Transport, WriteOptions } from './transport.js';

/** Options for {@link openTcpTransport}. */
export interface TcpOptions {
  /** Give up connecting after this long. @default 5000 */
  connectTimeoutMs?: number;
}

/** Connects to `host:port`. */
export async function openTcpTransport(
  host: string,
  port: number,
  options: TcpOptions = {},
): Promise<TcpTransport> {
  const socket = connect({ host, port });
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new TransportTimeoutError(
          `tcp://${host}:${port}: no connection within ${options.connectTimeoutMs ?? 5000} ms`,
        ),
      );
    }, options.connectTimeoutMs ?? 5000);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('error', (e) => {
      clearTimeout(timer);
      reject(
        new TransportError('QFH_TRANSPORT_IO', `tcp://${host}:${port}: ${e.message}`, {
          cause: e,
          hint: 'Check that the simulator or bridge is listening on that address (qfh simulate prints it).',
        }),
      );
    });
  });
  return new TcpTransport(socket, `tcp://${host}:${port}`);
}

/** The stream of one TCP connection. */
export class TcpTransport implements Transport {
  readonly byteStream = true;
  private readonly chunks: Buffer[] = [];
  private closed: QfhError | undefined;
  private received = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly socket: Socket,
    readonly description: string,
  ) {
    socket.on('data', (d: Buffer) => {
      const first = !this.received;
      this.received = true;
      const busy = first ? busyReason(d) : undefined;
      if (busy !== undefined) this.closed ??= busyError(description, busy);
      else this.chunks.push(d);
      this.wake?.();
    });
    const end = (): void => {
      this.closed ??= new TransportClosedError(
        `${description}: the other end closed the connection`,
        { disconnected: true },
      );
      this.wake?.();
    };
    socket.on('end', end);
    socket.on('close', end);
    socket.on('error', end);
  }

  async read(maxBytes: number, options: ReadOptions): Promise<Uint8Array> {
    const deadline = Date.now() + options.timeoutMs;
    for (;;) {
      const head = this.chunks[0];
      if (head) {
        if (head.length <= maxBytes) {
          this.chunks.shift();
          return head;
        }
        this.chunks[0] = head.subarray(maxBytes);
        return head.subarray(0, maxBytes);
      }
      if (this.closed) throw this.closed;
      const left = deadline - Date.now();
      if (left <= 0 || options.signal?.aborted)
        throw new TransportTimeoutError(
          `${this.description}: no data within ${options.timeoutMs} ms`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          this.wake = undefined;
          resolve();
        };
      });
    }
  }

  async write(data: Uint8Array, options: WriteOptions): Promise<void> {
    if (this.closed) throw this.closed;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new TransportTimeoutError(
              `${this.description}: write not taken within ${options.timeoutMs} ms`,
            ),
          ),
        options.timeoutMs,
      );
      this.socket.write(data, (e) => {
        clearTimeout(timer);
        if (e)
          reject(
            this.closed ??
              new TransportClosedError(`${this.description}: ${e.message}`, { disconnected: true }),
          );
        else resolve();
      });
    });
  }

  async close(): Promise<void> {
    this.closed ??= new TransportClosedError(`${this.description}: closed`);
    this.socket.destroy();
    this.wake?.();
    await Promise.resolve();
  }
}

function busyError(description: string, reason: string): DeviceNotFoundError {
  return new DeviceNotFoundError('QFH_DEVICE_BUSY', `${description}: ${reason}`, {
    hint: 'Another host is using this modem. Wait until it has finished, then run the same command again; do not power-cycle it in the middle of that flash.',
  });
}
