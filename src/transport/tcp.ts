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

/** Received bytes qfh holds before it stops reading the socket, and where it starts again. */
const HIGH_WATER = 4 << 20;
const LOW_WATER = 1 << 20;

/** The stream of one TCP connection. */
export class TcpTransport implements Transport {
  readonly byteStream = true;
  private readonly chunks: Buffer[] = [];
  /** Bytes in `chunks`: past HIGH_WATER the socket is paused until reads bring it under LOW_WATER. */
  private buffered = 0;
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
      else {
        this.chunks.push(d);
        this.buffered += d.length;
        // A device that sends faster than qfh reads (a programmer streaming logs) is held
        // back by TCP itself instead of growing this queue without bound.
        if (this.buffered > HIGH_WATER) socket.pause();
      }
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
        const piece = head.length <= maxBytes ? head : head.subarray(0, maxBytes);
        if (piece === head) this.chunks.shift();
        else this.chunks[0] = head.subarray(maxBytes);
        this.buffered -= piece.length;
        if (this.buffered < LOW_WATER && this.socket.isPaused()) this.socket.resume();
        return piece;
      }
      if (this.closed) throw this.closed;
      const left = deadline - Date.now();
      if (options.signal?.aborted)
        throw new TransportTimeoutError(`${this.description}: read aborted`);
      if (left <= 0)
        throw new TransportTimeoutError(
          `${this.description}: no data within ${options.timeoutMs} ms`,
        );
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          options.signal?.removeEventListener('abort', done);
          this.wake = undefined;
          resolve();
        };
        const timer = setTimeout(done, left);
        // A stop request ends the wait at once, not at the read's deadline.
        options.signal?.addEventListener('abort', done, { once: true });
        this.wake = done;
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
