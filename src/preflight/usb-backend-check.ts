/**
 * Whether the usb backend (the npm `usb` package, libusb) loads on this host: on most
 * routers it does not (no prebuilt binary for MIPS or 32-bit ARM with musl, or
 * `node --no-addons`), and the ways that need no libusb are what the user should pick then.
 *
 * @module
 */
import { TransportError } from '../errors.js';
import { loadUsbModule } from '../transport/load-usb.js';
import type { DoctorCheck } from './doctor.js';

/** Loads the backend (`load` is for tests) and says whether it can be used. */
export async function usbBackendCheck(
  load: () => Promise<unknown> = loadUsbModule,
): Promise<DoctorCheck> {
  const check = 'usb backend';
  try {
    await load();
    return {
      check,
      status: 'ok',
      detail: 'libusb loads here: --device usb and usb:PORT work',
      fix: undefined,
    };
  } catch (e) {
    if (!(e instanceof TransportError)) throw e;
    return { check, status: 'warn', detail: e.message, fix: e.hint };
  }
}
