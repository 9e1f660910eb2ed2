/** A pty whose far end is a simulated modem: the path a host opens, as it would open /dev/ttyUSB0. */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SimulatedModem } from '../../src/sim/index.js';

const RELAY = join(dirname(fileURLToPath(import.meta.url)), 'pty_relay.py');

/** Starts a python3 pty relay wired to `modem`; resolves to the tty path and a stop function. */
export async function ptyModem(modem: SimulatedModem): Promise<{ path: string; stop(): void }> {
  const relay = spawn('python3', [RELAY], { stdio: ['pipe', 'pipe', 'inherit'] });
  const link = modem.connect();
  let writes = Promise.resolve();
  const toModem = (d: Uint8Array): void => {
    if (d.length === 0) return;
    writes = writes.then(() => link.write(d, { timeoutMs: 5000 })).catch(() => undefined);
  };
  // The first line is the pty's path; unbuffered Python may send it in pieces, and
  // everything after its newline is already the host's bytes.
  const path = await new Promise<string>((resolve, reject) => {
    let head = Buffer.alloc(0);
    const onData = (d: Buffer): void => {
      head = Buffer.concat([head, d]);
      const newline = head.indexOf(0x0a);
      if (newline < 0) return;
      relay.stdout.off('data', onData);
      relay.stdout.on('data', toModem);
      toModem(head.subarray(newline + 1));
      resolve(head.subarray(0, newline).toString().trim());
    };
    relay.stdout.on('data', onData);
    relay.once('exit', (code) =>
      reject(new Error(`pty relay exited (${code}) before naming the pty`)),
    );
  });
  let running = true;
  void (async () => {
    while (running) {
      try {
        relay.stdin.write(await link.read(65536, { timeoutMs: 200 }));
      } catch (e) {
        if ((e as { code?: string }).code !== 'QFH_TRANSPORT_TIMEOUT') return;
      }
    }
  })();
  return {
    path,
    stop: () => {
      running = false;
      relay.kill();
    },
  };
}
