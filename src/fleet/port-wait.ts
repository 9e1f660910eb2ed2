/**
 * Following a modem by its physical port. A modem switched to EDL leaves its port and comes
 * back on the same one as 05c6:9008 (or on the port's USB 2 peer, when it ran at SuperSpeed
 * before); when several switch at once they reappear in any order, so each is waited for on
 * its own port, never taken as "the next 9008 to appear".
 *
 * @module
 */
import { DeviceNotFoundError, InterruptedError, type QfhError } from '../errors.js';
import type { SysfsUsbDevice } from '../transport/sysfs-devices.js';
import type { Transport } from '../transport/transport.js';
import type { UsbModuleLike } from '../transport/usb-api.js';
import { findEdlDevices, openUsbTransport } from '../transport/usb.js';
import type { ModemBus } from './bus.js';

/** The ports a modem can be on: its own, and the peer connector of a USB 3 port. */
export interface ModemPorts {
  readonly port: string;
  readonly peer?: string | undefined;
}

/** Options of a wait. */
export interface PortWaitOptions {
  readonly waitMs: number;
  readonly signal?: AbortSignal | undefined;
  /** Called about once a second while waiting. */
  readonly onWaiting?: ((message: string) => void) | undefined;
  /** What qfh did that the user should know (a kernel driver detached). */
  readonly onNotice?: ((message: string) => void) | undefined;
}

const POLL_MS = 100;

/** Whether a device at `path` is on the modem's port. */
export const onModemPort = (path: string, ports: ModemPorts): boolean =>
  path === ports.port || (ports.peer !== undefined && path === ports.peer);

/**
 * Polls `probe` until it gives a value, saying what it waits for once a second.
 * @throws DeviceNotFoundError when `waitMs` passes; InterruptedError when `signal` aborts.
 */
export async function pollUntil<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  o: PortWaitOptions & { hint?: string },
): Promise<T> {
  const deadline = Date.now() + o.waitMs;
  let shown = -1;
  for (;;) {
    if (o.signal?.aborted)
      throw new InterruptedError(`stopped on request while waiting for ${what}`);
    const found = await probe();
    if (found !== undefined) return found;
    const left = Math.ceil((deadline - Date.now()) / 1000);
    if (Date.now() >= deadline)
      throw new DeviceNotFoundError(
        'QFH_NO_DEVICE',
        `${what} did not appear within ${Math.round(o.waitMs / 1000)} s`,
        o.hint === undefined ? {} : { hint: o.hint },
      );
    if (left !== shown) o.onWaiting?.(`waiting for ${what}… ${left} s`);
    shown = left;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** Waits until the modem is listed on its port in `mode`. */
export function waitForListed(
  bus: ModemBus,
  ports: ModemPorts,
  c: PortWaitOptions & { mode: 'edl' | 'normal' },
): Promise<SysfsUsbDevice> {
  return pollUntil(
    `${c.mode === 'edl' ? 'the EDL device (05c6:9008)' : 'the modem in normal mode'} on port ${ports.port}`,
    async () =>
      (await bus.listing()).usb.find((d) => d.mode === c.mode && onModemPort(d.path, ports)),
    c,
  );
}

/** The usb module, or `undefined` where libusb cannot load (then the qcserial tty is used). */
async function usbOrNothing(bus: ModemBus): Promise<UsbModuleLike | undefined> {
  try {
    return await bus.usbModule();
  } catch (e) {
    if ((e as QfhError).code === 'QFH_USB_UNAVAILABLE') return undefined;
    throw e;
  }
}

/**
 * Opens the EDL device on the modem's port once it is there: through libusb, or, where
 * libusb cannot load, through the tty the qcserial driver binds to it.
 */
export async function openEdlOnPort(
  bus: ModemBus,
  ports: ModemPorts,
  o: PortWaitOptions,
): Promise<Transport> {
  const usb = await usbOrNothing(bus);
  const hint = `The modem on port ${ports.port} may still be booting or stuck: \`qfh list\` shows what is on each port; a longer --wait helps on slow hosts.`;
  if (usb) {
    const found = await pollUntil(
      `the EDL device (05c6:9008) on port ${ports.port}`,
      async () => {
        await Promise.resolve();
        return findEdlDevices(usb).find((d) => onModemPort(d.path, ports));
      },
      { ...o, hint },
    );
    return openUsbTransport(found, o.onNotice ? { onNotice: o.onNotice } : {});
  }
  const listed = await waitForListed(bus, ports, { ...o, mode: 'edl' });
  const tty = listed.interfaces.find((i) => i.tty)?.tty;
  if (!tty)
    throw new DeviceNotFoundError(
      'QFH_NO_DEVICE',
      `the EDL device on port ${listed.path} has no tty and libusb cannot load here`,
      {
        hint: 'Load the qcserial driver (OpenWrt: kmod-usb-serial-qualcomm) so 05c6:9008 gets a /dev/ttyUSB node, or install the usb package.',
      },
    );
  return bus.openTty(tty);
}
