/**
 * Whether the optional native `usb` package is installed here. Suites that need the real
 * libusb backend skip with one line when it is not (npm install --omit=optional, or a
 * machine without a prebuilt binary); everything else runs without it.
 */
import { createRequire } from 'node:module';

function installed(): boolean {
  try {
    createRequire(import.meta.url).resolve('usb');
    return true;
  } catch {
    return false;
  }
}

/** True when the `usb` package can be resolved. */
export const usbInstalled = installed();

if (!usbInstalled)
  console.log('usb backend suites skipped: the optional usb package is not installed');
