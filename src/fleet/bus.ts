/**
 * Where the fleet finds modems: the host's USB devices by physical port (sysfs), the `usb`
 * module for EDL devices, and the ttys the kernel drivers bind. One interface so that the
 * same selection, re-enumeration matching and opening run against a real host and against
 * simulated modems on simulated ports (`SimulatedBus` in the simulator satisfies it).
 *
 * @module
 */
import { openCharDevice } from '../transport/chardev.js';
import { loadUsbModule } from '../transport/load-usb.js';
import { listDevices, type DeviceListing } from '../transport/sysfs-devices.js';
import type { Transport } from '../transport/transport.js';
import type { UsbModuleLike } from '../transport/usb-api.js';

/** The host's modems as the fleet sees them. */
export interface ModemBus {
  /** USB devices by port and PCIe nodes, now. */
  listing(): Promise<DeviceListing>;
  /** The `usb` module for EDL devices. @throws TransportError `QFH_USB_UNAVAILABLE` without libusb */
  usbModule(): Promise<UsbModuleLike>;
  /** Opens a tty by its name in /dev (`ttyUSB2`). */
  openTty(name: string): Promise<Transport>;
}

/** This machine: /sys, /dev and libusb. */
export function systemBus(): ModemBus {
  return {
    listing: () => listDevices(),
    usbModule: loadUsbModule,
    openTty: (name) => openCharDevice(`/dev/${name}`),
  };
}
