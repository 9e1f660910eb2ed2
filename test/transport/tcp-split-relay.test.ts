/**
 * TCP keeps no message boundaries: a bridge (socat, a router's relay, a slow Wi-Fi link) cuts
 * and delays the byte stream anywhere. A flash through a relay that splits every chunk at
 * random points, both ways, and delays each piece, must still land every image byte for byte.
 */
import { mkdtemp } from 'node:fs/promises';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flash } from '../../src/flash/index.js';
import { buildDemoPackage, serveModem, SimulatedModem } from '../../src/sim/index.js';
import { openTcpTransport } from '../../src/transport/tcp.js';
import { demoMismatches } from '../helpers/demo-expected.js';

/** A deterministic generator, so a failure can be replayed from its seed. */
function random(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

/** Copies `from` to `to` in random pieces (1 byte to the whole chunk), each after a short delay. */
function splitting(from: Socket, to: Socket, next: () => number): { pieces: number } {
  const stats = { pieces: 0 };
  let chain = Promise.resolve();
  from.on('data', (chunk: Buffer) => {
    chain = chain.then(async () => {
      for (let at = 0; at < chunk.length;) {
        const size = Math.max(1, Math.floor(next() ** 3 * (chunk.length - at + 1)));
        if (next() < 0.05) await new Promise((r) => setTimeout(r, Math.floor(next() * 4)));
        if (!to.destroyed) to.write(chunk.subarray(at, at + size));
        at += size;
        stats.pieces++;
      }
    });
  });
  from.on('close', () => void chain.then(() => to.end()));
  return stats;
}

async function splittingRelay(
  target: number,
  seed: number,
): Promise<{ server: Server; port: number; pieces: () => number }> {
  const next = random(seed);
  const counts: { pieces: number }[] = [];
  const server = createServer((client) => {
    const upstream = connect(target, '127.0.0.1');
    counts.push(splitting(client, upstream, next), splitting(upstream, client, next));
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { server, port, pieces: () => counts.reduce((n, c) => n + c.pieces, 0) };
}

describe('tcp transport through a relay that splits and delays the stream', () => {
  it('flashes the demo package byte for byte', async () => {
    const root = await buildDemoPackage(await mkdtemp(join(tmpdir(), 'qfh-split-')));
    const modem = new SimulatedModem({ profile: 'eg25g' });
    const sim = await serveModem(modem, '127.0.0.1', 0);
    const relay = await splittingRelay(sim.port, 0x5eed);
    try {
      const transport = await openTcpTransport('127.0.0.1', relay.port);
      const report = await flash(root, transport).finally(() => transport.close());
      expect(report.ok).toBe(true);
      expect(await demoMismatches(modem, root)).toEqual([]);
      // The stream was really cut up: far more pieces than the commands and payloads sent.
      expect(relay.pieces()).toBeGreaterThan(10_000);
    } finally {
      relay.server.close();
      await sim.close();
    }
  }, 120_000);
});
