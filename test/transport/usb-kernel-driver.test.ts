import { describe, expect, it } from 'vitest';
import { FakeUsb, SimulatedModem, type FakeUsbDevice } from '../../src/sim/index.js';
import { findEdlDevices, openUsbTransport } from '../../src/transport/usb.js';

describe('usb backend and a kernel driver bound to the EDL interface (qcserial)', () => {
  it('detaches it to claim the interface and attaches it again on close, saying so both times', async () => {
    const fake = new FakeUsb([new SimulatedModem({ profile: 'eg25g' })]);
    const found = findEdlDevices(fake)[0]!;
    const device = found.device as FakeUsbDevice;
    expect(device.kernelDriverActive).toBe(true);
    const notices: string[] = [];
    const usb = await openUsbTransport(found, { onNotice: (m) => notices.push(m) });
    expect(device.kernelDriverActive).toBe(false);
    await usb.read(512, { timeoutMs: 300 });
    await usb.close();
    expect(device.kernelDriverActive).toBe(true);
    expect(notices).toEqual([
      expect.stringMatching(
        /detached the kernel driver \(qcserial\) from interface 0 .*attaches it again/,
      ),
      expect.stringMatching(/attached the kernel driver again/),
    ]);
  });

  it('leaves a device that had no driver without one', async () => {
    const fake = new FakeUsb([new SimulatedModem({ profile: 'eg25g' })], { noKernelDriver: true });
    const found = findEdlDevices(fake)[0]!;
    const notices: string[] = [];
    const usb = await openUsbTransport(found, { onNotice: (m) => notices.push(m) });
    await usb.close();
    expect((found.device as FakeUsbDevice).kernelDriverActive).toBe(false);
    expect(notices).toEqual([]);
  });

  it('closes quietly when the device is gone (reset after a flash): nothing to attach to', async () => {
    const modem = new SimulatedModem({ profile: 'eg25g' });
    const found = findEdlDevices(new FakeUsb([modem]))[0]!;
    const notices: string[] = [];
    const usb = await openUsbTransport(found, { onNotice: (m) => notices.push(m) });
    modem.unplug();
    await expect(usb.close()).resolves.toBeUndefined();
    expect(notices).toHaveLength(1);
  });
});
