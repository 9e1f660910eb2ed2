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
  const path = await new Promise<string>((resolve) =>
    relay.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())),
  );
  let writes = Promise.resolve();
  relay.stdout.on('data', (d: Buffer) => {
    writes = writes.then(() => link.write(d, { timeoutMs: 5000 })).catch(() => undefined);
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
