import assert from 'node:assert/strict';
import { findEdlDevices } from '../../../../src/transport/usb.js';
import { deviceAttr, edlInterface, waitForEdlDevice } from '../bus.js';
import type { UsbCase } from '../harness.js';
import { startSimulator } from '../simulator.js';

/** The gadget as the host kernel and libusb see it. */
export const enumerate: UsbCase = {
  name: 'gadget enumerates as a real 9008: 05c6:9008, one ff/ff/ff interface, bulk IN + OUT of 512 at 480M',
  async run(ctx) {
    const sim = await startSimulator(ctx, { profile: 'eg25g' });
    try {
      const dev = await waitForEdlDevice();
      const speed = await deviceAttr(dev, 'speed');
      const product = await deviceAttr(dev, 'product');
      assert.equal(speed, '480');
      assert.equal(await deviceAttr(dev, 'manufacturer'), 'Qualcomm CDMA Technologies MSM');
      assert.equal(await deviceAttr(dev, 'bNumInterfaces'), '1');
      const iface = await edlInterface(dev);
      assert.equal(iface.klass, 'ff/ff/ff');
      assert.deepEqual(iface.endpoints.map((e) => [e.direction, e.type, e.maxPacket]).sort(), [
        ['in', 'Bulk', 512],
        ['out', 'Bulk', 512],
      ]);
      // libusb learns of the device from udevd's event, a moment after sysfs shows it.
      let found = findEdlDevices(ctx.usb);
      for (let i = 0; i < 100 && found.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        found = findEdlDevices(ctx.usb);
      }
      assert.deepEqual(
        found.map((f) => [f.vid, f.pid, f.interfaceProtocol]),
        [[0x05c6, 0x9008, 0xff]],
      );
      const eps = iface.endpoints
        .map((e) => `0x${e.address.toString(16)} ${e.direction}`)
        .join(', ');
      return `${dev.name} at ${speed}M "${product}", endpoints ${eps}`;
    } finally {
      await sim.stop();
    }
  },
};
