/**
 * The TCP transport holds a bounded amount of what the other end sends: a device that sends
 * faster than qfh reads (a programmer streaming logs) is held back by TCP itself. Before,
 * every byte was queued in qfh's memory as it arrived.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { TcpTransport } from '../../src/transport/tcp.js';

it('stops reading the socket past a few MiB unread, and delivers every byte in order later', async () => {
  const sent = new Uint8Array(64 << 20).map((_, i) => (i * 7 + (i >> 12)) & 0xff);
  const server = createServer((s) => s.end(sent));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
  await once(socket, 'connect');
  const transport = new TcpTransport(socket, 'test');
  try {
    // Nothing is read: wait until the socket has stopped taking bytes from the kernel.
    let last = -1;
    for (let still = 0; still < 4; still = socket.bytesRead === last ? still + 1 : 0) {
      last = socket.bytesRead;
      await sleep(50);
    }
    expect(socket.bytesRead).toBeLessThan(8 << 20);
    const hash = createHash('sha256');
    let got = 0;
    while (got < sent.length) {
      const piece = await transport.read(1 << 20, { timeoutMs: 5_000 });
      hash.update(piece);
      got += piece.length;
    }
    expect(got).toBe(sent.length);
    expect(hash.digest('hex')).toBe(createHash('sha256').update(sent).digest('hex'));
  } finally {
    await transport.close();
    server.close();
  }
});
