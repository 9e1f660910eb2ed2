/**
 * The EDL device as a tty, for hosts without libusb (a router: no `usb` prebuild for its
 * CPU, or node --no-addons): the kernel's qcserial driver binds 05c6:9008 and exposes it
 * as /dev/ttyUSBn, which qfh opens raw like any char device. Used when the modem was
 * switched from normal mode and the usb backend cannot load.
 *
 * @module
 */
import { join } from 'node:path';
import { DeviceNotFoundError } from '../errors.js';
import { openCharDevice } from '../transport/chardev.js';
import { listDevices } from '../transport/sysfs-devices.js';
import type { Transport } from '../transport/transport.js';
import type { AccessOptions } from './normal-mode-access.js';

/** Where to look and how to open (tests point these at fixtures). */
export interface EdlTtyEnvironment {
  readonly sysRoot?: string;
  readonly devRoot?: string;
  readonly open?: (path: string) => Promise<Transport>;
}

/** The tty of the one EDL device's interface, once one appears. */
export async function openEdlTty(
  o: AccessOptions & {
    /** Only an EDL device on these ports (the modem's own, and its USB 2/3 peer) is taken. */
    readonly ports?: readonly string[] | undefined;
  },
  env: EdlTtyEnvironment = {},
): Promise<Transport> {
  const devRoot = env.devRoot ?? '/dev';
  const deadline = Date.now() + o.waitSeconds * 1000;
  let shown = -1;
  for (;;) {
    const edl = (await listDevices(env.sysRoot, devRoot)).usb.filter(
      (d) => d.mode === 'edl' && (o.ports === undefined || o.ports.includes(d.path)),
    );
    const tty = edl.length === 1 ? edl[0]?.interfaces.find((i) => i.tty)?.tty : undefined;
    if (tty) {
      o.onMessage?.(`the modem is in EDL at ${join(devRoot, tty)} (qcserial; no libusb here)`);
      return (env.open ?? openCharDevice)(join(devRoot, tty));
    }
    const left = Math.ceil((deadline - Date.now()) / 1000);
    if (left <= 0)
      throw new DeviceNotFoundError(
        edl.length > 1 ? 'QFH_DEVICE_AMBIGUOUS' : 'QFH_NO_DEVICE',
        edl.length > 1
          ? `${edl.length} devices are in EDL; qfh cannot tell which is this modem`
          : `no EDL device with a tty (qcserial) appeared within ${o.waitSeconds} s`,
        {
          hint: 'Load the qcserial driver (OpenWrt: kmod-usb-serial-qualcomm) so 05c6:9008 gets a /dev/ttyUSB node, then run qfh edl-recover with --device /dev/ttyUSBn.',
        },
      );
    if (left !== shown) o.onMessage?.(`waiting for the modem in EDL (a qcserial tty)… ${left} s`);
    shown = left;
    await new Promise((r) => setTimeout(r, 200));
  }
}
