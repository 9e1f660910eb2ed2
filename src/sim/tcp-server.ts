/**
 * Serves a simulated modem over TCP, one connection per USB attachment: a connection
 * opens the device as it is now (EDL or normal mode); when the device resets or is
 * unplugged the connection closes, and the next connection sees what it re-enumerated as.
 *
 * @module
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { TransportClosedError, TransportTimeoutError } from '../errors.js';
import type { SimulatedModem } from './modem.js';

/** A running TCP front of a simulated modem. */
export interface ModemServer {
  readonly host: string;
  readonly port: number;
  /** Stops listening and drops every connection. */
  close(): Promise<void>;
}

/** Listens on `host:port` (port 0 picks a free one). */
export async function serveModem(
  modem: SimulatedModem,
  host: string,
  port: number,
): Promise<ModemServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    attach(modem, socket);
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

function attach(modem: SimulatedModem, socket: Socket): void {
  let link: ReturnType<SimulatedModem['connect']>;
  try {
    link = modem.connect();
  } catch {
    socket.end();
    return;
  }
  // Host → device: one write at a time, pausing the socket so memory stays bounded.
  let writing: Promise<void> = Promise.resolve();
  socket.on('data', (data: Buffer) => {
    socket.pause();
    writing = writing
      .then(() => link.write(data, { timeoutMs: 60_000 }))
      .then(() => {
        socket.resume();
      })
      .catch(() => {
        socket.destroy();
      });
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
