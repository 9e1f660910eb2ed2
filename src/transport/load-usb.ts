/**
 * Loading the native `usb` package, lazily and optionally: nothing native is imported until
 * the usb backend is used, and its absence is a typed error that names the ways to reach a
 * modem without libusb.
 *
 * @module
 */
import { createRequire } from 'node:module';
import { TransportError } from '../errors.js';
import type { UsbDeviceLike, UsbModuleLike } from './usb-api.js';

/**
 * The npm `usb` package is an optional dependency: npm skips it where no prebuilt binary
 * exists (MIPS, 32-bit ARM with musl: most routers), and `node --no-addons` refuses it.
 * A variable specifier keeps TypeScript and the bundler from resolving it at build time.
 * It is CommonJS, loaded through `require`: imported from ES modules it raised a flash's
 * peak RSS by about 5 MiB (a fresh node loads usb and lists devices, then imports qfh's
 * compiled modules and flashes the demo package at 1/64 scale onto the in-process
 * simulator; `process.resourceUsage().maxRSS`: 72.2–73.6 against 67.3–68.0 MiB, four runs
 * each). Unlike `import()`, `require` also looks in NODE_PATH and the global folders.
 */
const USB_PACKAGE = 'usb';

/** Every way to reach a modem that needs no libusb, for the hint. */
const WITHOUT_LIBUSB =
  'Use a way that needs no libusb: --device /dev/ttyUSB0 (the qcserial/option tty), /dev/wwan0firehose0 or /dev/mhi_EDL (PCIe), tcp://HOST:PORT, or run qfh on a PC with --relay ROUTER.';

/**
 * Loads the real `usb` module (native) on first use.
 * @throws TransportError `QFH_USB_UNAVAILABLE` when it is not installed or cannot load here.
 */
export async function loadUsbModule(): Promise<UsbModuleLike> {
  try {
    const mod = createRequire(import.meta.url)(USB_PACKAGE) as {
      getDeviceList(): UsbDeviceLike[];
      usb: UsbModuleLike['usb'];
    };
    return { getDeviceList: () => mod.getDeviceList(), usb: mod.usb };
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    // Not found is about usb itself only: a dependency of it missing is a broken install.
    const missing =
      code === 'MODULE_NOT_FOUND' &&
      (e as Error).message.startsWith(`Cannot find module '${USB_PACKAGE}'`);
    const why = missing
      ? 'the usb package is not installed (it is optional: npm skips it where no prebuilt binary exists)'
      : code === 'ERR_DLOPEN_DISABLED'
        ? 'node runs with --no-addons, so libusb cannot load'
        : `libusb cannot load here: ${(e as Error).message}`;
    throw new TransportError('QFH_USB_UNAVAILABLE', `no USB backend: ${why}`, {
      cause: e,
      hint: WITHOUT_LIBUSB,
    });
  }
}
