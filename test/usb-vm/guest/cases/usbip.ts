import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { flash } from '../../../../src/flash/index.js';
import { edlInterface, waitForEdlDevice } from '../bus.js';
import type { UsbCase } from '../harness.js';
import { checkNandDump, nandPackage } from '../packages.js';
import { startSimulator } from '../simulator.js';
import { openEdl } from './open-edl.js';

const run = promisify(execFile);

/** Retries `usbip attach` until usbipd accepts connections. */
async function attach(): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      await run('usbip', ['attach', '-r', '127.0.0.1', '-d', 'usbip-vudc.0']);
      return;
    } catch (e) {
      if (i >= 50) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** The path a router uses to lend its modem to a PC: USB/IP, here over the guest's loopback. */
export const usbip: UsbCase = {
  name: 'USB/IP: gadget on usbip-vudc, exported by usbipd, attached over loopback; flash + verify through vhci-hcd',
  async run(ctx) {
    const pkg = await nandPackage(ctx.work, 1 / 256);
    const sim = await startSimulator(ctx, { profile: 'eg25g', udc: 'usbip-vudc.0' });
    const usbipd = spawn('usbipd', ['--device'], { stdio: 'ignore' });
    try {
      await attach();
      const dev = await waitForEdlDevice();
      const { endpoints } = await edlInterface(dev);
      const addresses = endpoints.map((e) => e.address);
      const usb = await openEdl(ctx);
      const report = await flash(pkg, usb).finally(() => usb.close());
      assert.equal(report.state, 'flashed');
      await run('usbip', ['detach', '-p', '0']).catch(() => undefined);
      const { lun0 } = await sim.stop();
      const ranges = await checkNandDump(pkg, lun0);
      await rm(lun0);
      return `vhci device ${dev.name} (bus ${dev.busnum}), endpoints ${addresses.map((a) => `0x${a.toString(16)}`).join('/')}; ${report.bytes} bytes in ${report.seconds.toFixed(1)} s; ${ranges} ranges equal`;
    } finally {
      usbipd.kill('SIGTERM');
    }
  },
};
