import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { edlInterface, waitForEdlDevice, type SysfsDevice } from '../bus.js';
import type { UsbCase } from '../harness.js';
import { startSimulator } from '../simulator.js';

const run = promisify(execFile);
/** qcserial claims 05c6:9008 (its Gobi QDL entry); it needs usb_wwan and usbserial. */
const MODULES = ['usbserial', 'usb_wwan', 'qcserial'];

async function driverOf(
  dev: SysfsDevice,
  want: string | undefined,
  ms = 10_000,
): Promise<string | undefined> {
  const end = Date.now() + ms;
  for (;;) {
    const { driver } = await edlInterface(dev);
    if (driver === want || Date.now() > end) return driver;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** qfh with a kernel driver already on the EDL interface, as on a desktop with qcserial. */
export const kernelDriver: UsbCase = {
  name: 'qcserial bound to the EDL interface: qfh info detaches it, reads the chip, and attaches it again',
  async run(ctx) {
    const sim = await startSimulator(ctx, { profile: 'eg25g' });
    const modules = process.env['QFH_VM_MODULES'] ?? '/run/qfh-vm/modules';
    try {
      const dev = await waitForEdlDevice();
      for (const m of MODULES) await run('busybox', ['insmod', join(modules, `${m}.ko`)]);
      assert.equal(await driverOf(dev, 'qcserial'), 'qcserial', 'qcserial did not bind the 9008');
      const cli = spawn(ctx.node, [ctx.qfh, 'info', '--device', 'usb', '--wait', '10'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      cli.stdout.on('data', (d: Buffer) => (out += d.toString()));
      cli.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const code = await new Promise<number | null>((resolve) => cli.once('exit', resolve));
      ctx.log(out);
      assert.equal(code, 0, `qfh info exited with ${code}: ${out}`);
      assert.match(out, /detached the kernel driver \(qcserial\)/);
      assert.match(out, /serial: +0x3b090f7d/);
      assert.match(out, /attached the kernel driver again/);
      assert.equal(await driverOf(dev, 'qcserial'), 'qcserial', 'qcserial is not bound again');
      return `driver before: qcserial; qfh detached it, read serial 0x3b090f7d, attached it again; driver after: qcserial`;
    } finally {
      for (const m of [...MODULES].reverse())
        await run('busybox', ['rmmod', m]).catch(() => undefined);
      await sim.stop();
    }
  },
};
