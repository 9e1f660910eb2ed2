import { describe, expect, it } from 'vitest';
import { FakeUsb, SimulatedModem } from '../../src/sim/index.js';
import { findEdlDevices, openUsbTransport } from '../../src/transport/usb.js';

/** The `usb` 2.18.0 prebuild on an idle bus: libusb fires a transfer timeout a minute late. */
const LATE = { lateTimeoutsMs: 60_000, noKernelDriver: true };

async function openSilent(faults: ConstructorParameters<typeof SimulatedModem>[0] = {}) {
  const modem = new SimulatedModem({ profile: 'eg25g', ...faults });
  return openUsbTransport(findEdlDevices(new FakeUsb([modem], LATE))[0]!);
}

describe('qfh enforces usb transfer deadlines itself (libusb timeouts fire up to 60 s late)', () => {
  it('a 300 ms read on a silent device rejects with a timeout, not when libusb gets round to it', async () => {
    const usb = await openSilent({ faults: { missHello: true } });
    await expect(usb.read(512, { timeoutMs: 300 })).rejects.toMatchObject({
      code: 'QFH_TRANSPORT_TIMEOUT',
      message: expect.stringMatching(/no transfer within 300 ms/),
    });
    await usb.close();
  });

  it('a write the device does not take rejects with a timeout at its deadline', async () => {
    const usb = await openSilent({
      faults: { missHello: true },
      timing: { dataTimeScale: 1, overrides: { usbBytesPerSecond: 100 } },
    });
    await expect(usb.write(new Uint8Array(8192), { timeoutMs: 300 })).rejects.toMatchObject({
      code: 'QFH_TRANSPORT_TIMEOUT',
    });
    await usb.close();
  });

  it('an AbortSignal cancels a pending read', async () => {
    const usb = await openSilent({ faults: { missHello: true } });
    const abort = new AbortController();
    const read = usb.read(512, { timeoutMs: 50_000, signal: abort.signal });
    setTimeout(() => abort.abort(), 50);
    await expect(read).rejects.toMatchObject({
      code: 'QFH_TRANSPORT_TIMEOUT',
      message: expect.stringMatching(/aborted/),
    });
    await usb.close();
  });

  it('data that arrives before the deadline is returned, and the link stays usable after a timeout', async () => {
    const usb = await openSilent();
    await expect(usb.read(512, { timeoutMs: 300 })).resolves.toHaveLength(48); // HELLO
    await expect(usb.read(512, { timeoutMs: 100 })).rejects.toMatchObject({
      code: 'QFH_TRANSPORT_TIMEOUT',
    });
    await usb.write(new Uint8Array(48), { timeoutMs: 300 });
    await usb.close();
  });
});
