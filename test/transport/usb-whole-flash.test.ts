import { expect, it } from 'vitest';
import { flash } from '../../src/flash/index.js';
import { FakeUsb, SimulatedModem } from '../../src/sim/index.js';
import { findEdlDevices, openUsbTransport } from '../../src/transport/index.js';
import { demoPackage } from '../helpers/demo-capture.js';
import { demoMismatches } from '../helpers/demo-expected.js';

// The kernel found this one (test/usb-vm, dummy_hcd): after the reset's ACK, the read for the
// last logs is in flight when the device leaves the bus, and libusb ends it with
// LIBUSB_TRANSFER_ERROR. A flash that ends there has still ended well.
it('a whole flash through the usb backend ends well when the modem leaves the bus with a read in flight', async () => {
  const root = await demoPackage();
  const modem = new SimulatedModem({ profile: 'eg25g' });
  const usb = await openUsbTransport(findEdlDevices(new FakeUsb([modem]))[0]!);
  const report = await flash(root, usb).finally(() => usb.close());
  expect(report.state).toBe('flashed');
  expect(report.ops.at(-1)?.kind).toBe('reset');
  expect(await demoMismatches(modem, root)).toEqual([]);
});

// A real unplug reaches libusb as a transfer error on the transfer in flight (xHCI -EPROTO,
// dummy_hcd in the qemu guest); qfh asks the device whether it is still there, so the user
// is told the modem left the bus, not to try another cable.
it('names an unplug mid-flash as the modem leaving the bus, not as an I/O error', async () => {
  const root = await demoPackage();
  const modem = new SimulatedModem({
    profile: 'eg25g',
    faults: { disconnectAtHostByte: 400_000 },
  });
  const usb = await openUsbTransport(findEdlDevices(new FakeUsb([modem]))[0]!);
  const failure = await flash(root, usb)
    .then(
      () => undefined,
      (e: unknown) => e,
    )
    .finally(() => usb.close());
  expect(failure).toMatchObject({ code: 'QFH_TRANSPORT_DISCONNECTED' });
  expect((failure as Error).message).toMatch(/LIBUSB_TRANSFER_ERROR \(the modem left the bus\)/);
});
