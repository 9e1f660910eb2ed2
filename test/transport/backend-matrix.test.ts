import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';
import { FakeUsb, PROFILES, SimulatedModem } from '../../src/sim/index.js';
import {
  findEdlDevices,
  openCharDevice,
  openTcpTransport,
  openUsbTransport,
} from '../../src/transport/index.js';
import { exercise } from '../helpers/exercise.js';
import { ptyModem } from '../helpers/pty.js';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = join(here, '../../bin/qfh.js');

describe('every profile through every transport backend: program, read back, erase', () => {
  for (const [id, profile] of PROFILES) {
    it(`${id}: usb backend (fake usb module)`, async () => {
      const usb = await openUsbTransport(
        findEdlDevices(new FakeUsb([new SimulatedModem({ profile: id })]))[0]!,
      );
      await exercise(usb, profile);
      await usb.close();
    });

    it(`${id}: tcp to qfh simulate in another process`, async () => {
      const child = spawn(
        process.execPath,
        [BIN, 'simulate', '--profile', id, '--listen', '127.0.0.1:0'],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      for (let i = 0; i < 100 && !/listening on/.test(stdout); i++)
        await new Promise((r) => setTimeout(r, 50));
      const tcp = await openTcpTransport(
        '127.0.0.1',
        Number(/127\.0\.0\.1:(\d+)/.exec(stdout)?.[1]),
      );
      try {
        await exercise(tcp, profile);
      } finally {
        await tcp.close();
        child.kill('SIGINT');
      }
    });

    it(`${id}: chardev on a pty`, async () => {
      const pty = await ptyModem(new SimulatedModem({ profile: id }));
      const path = pty.path;
      const tty = await openCharDevice(path);
      try {
        await exercise(tty, profile);
      } finally {
        await tty.close();
        pty.stop();
      }
    });
  }
});
