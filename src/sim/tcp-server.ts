/**
 * Serves a simulated modem over TCP, one connection per USB attachment: a connection
 * opens the device as it is now (EDL or normal mode); when the device resets or is
 * unplugged the connection closes, and the next connection sees what it enumerated as
 * next, waiting for it while it reboots. Like a USB device, the modem has one host: a
 * second connection while one is attached is refused (closed at once, and said so),
 * never allowed to take the modem over mid-flash.
 *
 * @module
 */
import { busyNotice } from '../transport/busy-notice.js';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { TransportClosedError, TransportTimeoutError } from '../errors.js';
import type { SimulatedModem } from './modem.js';
import type { SimLink } from './sim-transport.js';

/** A running TCP front of a simulated modem. */
export interface ModemServer {
  readonly host: string;
  readonly port: number;
  /** Stops listening and drops every connection. */
  close(): Promise<void>;
}

/** Options for {@link serveModem}. */
export interface ServeOptions {
  /** One line per connection event. */
  readonly onEvent?: (line: string) => void;
  /** How long a connection waits for a rebooting modem. @default 60000 */
  readonly enumerationWaitMs?: number;
}

/** Listens on `host:port` (port 0 picks a free one). */
export async function serveModem(
  modem: SimulatedModem,
  host: string,
  port: number,
  options: ServeOptions = {},
): Promise<ModemServer> {
  const sockets = new Set<Socket>();
  let holder: Socket | undefined;
  const server: Server = createServer((socket) => {
    const peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    socket.on('error', () => socket.destroy());
    if (holder && !holder.destroyed) {
      options.onEvent?.(`refused ${peer}: the modem is in use by another connection`);
      socket.end(busyNotice('the simulated modem is in use by another connection'));
      return;
    }
    holder = socket;
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => {
      sockets.delete(socket);
      if (holder === socket) holder = undefined;
      options.onEvent?.(`${peer} disconnected`);
    });
    options.onEvent?.(`${peer} connected`);
    void attachWhenReady(modem, socket, options.enumerationWaitMs ?? 60_000);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    host: address.address,
    port: address.port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Attaches once the modem is on the bus (a connection during a reboot waits for it). */
async function attachWhenReady(
  modem: SimulatedModem,
  socket: Socket,
  waitMs: number,
): Promise<void> {
  const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), waitMs).unref());
  if (
    (await Promise.race([modem.waitForEnumeration().then(() => 'ready' as const), timeout])) ===
      'timeout' ||
    socket.destroyed
  ) {
    socket.destroy();
    return;
  }
  let link: SimLink;
  try {
    link = modem.connect();
  } catch (e) {
    if (!(e instanceof TransportClosedError)) throw e;
    socket.end();
    return;
  }
  pump(link, socket);
}

/** Host bytes queued for the device before the socket is paused (memory stays bounded). */
const QUEUE_HIGH_BYTES = 4 << 20;

function pump(link: SimLink, socket: Socket): void {
  // Host → device: one write at a time, in order. The socket pauses only when a few MiB
  // wait (pausing and resuming it for every 64 KiB read made the simulator the bottleneck).
  const queue: Buffer[] = [];
  let queued = 0;
  let writing = false;
  const drain = async (): Promise<void> => {
    writing = true;
    try {
      for (let data = queue.shift(); data; data = queue.shift()) {
        await link.write(data, { timeoutMs: 60_000 });
        queued -= data.length;
        if (queued < QUEUE_HIGH_BYTES && socket.isPaused()) socket.resume();
      }
    } catch {
      socket.destroy();
    } finally {
      writing = false;
    }
  };
  socket.on('data', (data: Buffer) => {
    queue.push(data);
    queued += data.length;
    if (queued >= QUEUE_HIGH_BYTES) socket.pause();
    if (!writing) void drain();
  });
  socket.on('close', () => void link.close());
  // Device → host.
  void (async () => {
    for (;;) {
      try {
        const transfer = await link.read(1 << 20, { timeoutMs: 60_000 });
        if (transfer.length > 0 && !socket.write(transfer))
          await new Promise((r) => socket.once('drain', r));
      } catch (e) {
        if (e instanceof TransportTimeoutError && !socket.destroyed) continue;
        if (e instanceof TransportClosedError || e instanceof TransportTimeoutError) socket.end();
        else socket.destroy();
        return;
      }
    }
  })();
}
