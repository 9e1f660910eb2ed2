/**
 * Loading the native `usb` package, lazily and optionally: nothing native is imported until
 * the usb backend is used, and its absence is a typed error that names the ways to reach a
 * modem without libusb.
 *
 * @module
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { TransportError } from '../errors.js';
import { findOwnUsb, UntrustedUsbError } from './usb-home.js';
import type { UsbDeviceLike, UsbModuleLike } from './usb-api.js';

/**
 * The npm `usb` package is an optional dependency: npm skips it where no prebuilt binary
 * exists (MIPS, 32-bit ARM with musl: most routers), and `node --no-addons` refuses it.
 * It is CommonJS, loaded through `require`: imported from ES modules it raised a flash's
 * peak RSS by about 5 MiB (a fresh node loads usb and lists devices, then imports qfh's
 * compiled modules and flashes the demo package at 1/64 scale onto the in-process
 * simulator; `process.resourceUsage().maxRSS`: 72.2–73.6 against 67.3–68.0 MiB, four runs
 * each). It is required by its absolute path, found by `usb-home.ts`: never through the
 * usual lookup, which also searches every node_modules above the current file, NODE_PATH and
 * the global folders, where another account can plant code that would run as root.
 */
/** Every way to reach a modem that needs no libusb, for the hint. */
const WITHOUT_LIBUSB =
  'Use a way that needs no libusb: --device /dev/ttyUSB0 (the qcserial/option tty), /dev/wwan0firehose0 or /dev/mhi_EDL (PCIe), tcp://HOST:PORT, or run qfh on a PC with --relay ROUTER.';

/** Not found in qfh's own install (a dependency of usb missing is a broken install instead). */
class NotInstalled extends Error {}

const UNTRUSTED_HINT =
  'Keep qfh (qfh.mjs) and its node_modules in a folder only you can write (mkdir -m 700 ~/qfh), not in /tmp.';

/**
 * Loads the real `usb` module (native) on first use.
 * @throws TransportError `QFH_USB_UNAVAILABLE` when it is not installed or cannot load here.
 */
export async function loadUsbModule(): Promise<UsbModuleLike> {
  try {
    const found = await findOwnUsb(fileURLToPath(import.meta.url));
    if (found === undefined) throw new NotInstalled();
    const mod = createRequire(import.meta.url)(found) as {
      getDeviceList(): UsbDeviceLike[];
      usb: UsbModuleLike['usb'];
    };
    return { getDeviceList: () => mod.getDeviceList(), usb: mod.usb };
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    const why =
      e instanceof NotInstalled
        ? 'the usb package is not installed (it is optional: npm skips it where no prebuilt binary exists)'
        : e instanceof UntrustedUsbError
          ? e.message
          : code === 'ERR_DLOPEN_DISABLED'
            ? 'node runs with --no-addons, so libusb cannot load'
            : `libusb cannot load here: ${(e as Error).message}`;
    throw new TransportError('QFH_USB_UNAVAILABLE', `no USB backend: ${why}`, {
      cause: e,
      hint: e instanceof UntrustedUsbError ? `${UNTRUSTED_HINT} ${WITHOUT_LIBUSB}` : WITHOUT_LIBUSB,
    });
  }
}
