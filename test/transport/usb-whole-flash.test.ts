import { expect, it } from 'vitest';
import { flash } from '../../src/flash/index.js';
import { FakeUsb, SimulatedModem, type FakeUsbOptions } from '../../src/sim/index.js';
import { findEdlDevices, openUsbTransport } from '../../src/transport/index.js';
import { demoPackage } from '../helpers/demo-capture.js';
import { demoMismatches } from '../helpers/demo-expected.js';

/** A hub that reports a departure only after qfh has stopped asking. */
const LATE_HUB: FakeUsbOptions = { departureNoticedAfterMs: 60_000 };

async function flashOverUsb(modem: SimulatedModem, host: FakeUsbOptions = {}) {
  const root = await demoPackage();
  const usb = await openUsbTransport(findEdlDevices(new FakeUsb([modem], host))[0]!);
  const outcome = await flash(root, usb).then(
    (report) => ({ report, failure: undefined }),
    (e: unknown) => ({ report: undefined, failure: e as Error & { code?: string } }),
  );
  await usb.close();
  return { root, ...outcome };
}

// The kernel found this one (test/usb-vm, dummy_hcd): after the reset's ACK, the read for the
// last logs is in flight when the device leaves the bus, and libusb ends it with
// LIBUSB_TRANSFER_ERROR. A flash that ends there has still ended well, even when the hub
// is too late for the transport to tell that the device is gone.
it('a whole flash through the usb backend ends well when the modem leaves the bus with a read in flight', async () => {
  const modem = new SimulatedModem({ profile: 'eg25g' });
  const { root, report, failure } = await flashOverUsb(modem, LATE_HUB);
  expect(failure?.message).toBeUndefined();
  expect(report?.state).toBe('flashed');
  expect(report?.ops.at(-1)?.kind).toBe('reset');
  expect(await demoMismatches(modem, root)).toEqual([]);
});

// A real unplug reaches libusb as a transfer error on the transfer in flight (xHCI -EPROTO,
// dummy_hcd in the qemu guest); qfh asks the device whether it is still there, so the user
// is told the modem left the bus, not to try another cable.
it('names an unplug mid-flash as the modem leaving the bus, not as an I/O error', async () => {
  const modem = new SimulatedModem({ profile: 'eg25g', faults: { disconnectAtHostByte: 400_000 } });
  const { failure } = await flashOverUsb(modem);
  expect(failure).toMatchObject({ code: 'QFH_TRANSPORT_DISCONNECTED' });
  expect(failure?.message).toMatch(/LIBUSB_TRANSFER_ERROR \(the modem left the bus\)/);
});

it('keeps a transfer error an I/O error while the device still answers', async () => {
  const modem = new SimulatedModem({ profile: 'eg25g', faults: { disconnectAtHostByte: 400_000 } });
  const { failure } = await flashOverUsb(modem, LATE_HUB);
  expect(failure).toMatchObject({ code: 'QFH_TRANSPORT_IO' });
  expect(failure?.message).not.toMatch(/left the bus/);
});
