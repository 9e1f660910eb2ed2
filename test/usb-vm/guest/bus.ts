/**
 * The host side of the bus as the kernel shows it in sysfs: which device enumerated where,
 * its interface and endpoints, the driver bound to its interface.
 */
import { readdir, readFile, readlink } from 'node:fs/promises';
import { basename, join } from 'node:path';

const DEVICES = '/sys/bus/usb/devices';

/** A USB device as sysfs names it. */
export interface SysfsDevice {
  /** `1-1`, `3-1`, … */
  readonly name: string;
  readonly busnum: number;
  readonly devnum: number;
}

/** One endpoint of interface 0. */
export interface SysfsEndpoint {
  readonly address: number;
  readonly direction: string;
  readonly type: string;
  readonly maxPacket: number;
}

const attr = async (path: string): Promise<string> =>
  (await readFile(path, 'utf8').catch(() => '')).trim();

/** A device attribute (`idVendor`, `speed`, `product`, …). */
export const deviceAttr = (d: SysfsDevice, name: string): Promise<string> =>
  attr(join(DEVICES, d.name, name));

/** The first device with `vid:pid` (hex), if any. */
export async function findUsbDevice(vid: string, pid: string): Promise<SysfsDevice | undefined> {
  for (const name of await readdir(DEVICES)) {
    if (name.includes(':') || name.startsWith('usb')) continue;
    const dir = join(DEVICES, name);
    if ((await attr(join(dir, 'idVendor'))) !== vid || (await attr(join(dir, 'idProduct'))) !== pid)
      continue;
    return {
      name,
      busnum: Number(await attr(join(dir, 'busnum'))),
      devnum: Number(await attr(join(dir, 'devnum'))),
    };
  }
  return undefined;
}

/** Waits for a 05c6:9008 to enumerate and be configured (its interface 0 in sysfs). */
export async function waitForEdlDevice(ms = 30_000): Promise<SysfsDevice> {
  const end = Date.now() + ms;
  for (;;) {
    const found = await findUsbDevice('05c6', '9008');
    if (found && (await attr(join(DEVICES, `${found.name}:1.0`, 'bInterfaceClass'))) !== '')
      return found;
    if (Date.now() > end) throw new Error(`no 05c6:9008 in ${DEVICES} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Interface 0's attributes and endpoints. */
export async function edlInterface(d: SysfsDevice): Promise<{
  readonly klass: string;
  readonly endpoints: SysfsEndpoint[];
  readonly driver: string | undefined;
}> {
  const dir = join(DEVICES, `${d.name}:1.0`);
  const klass = ['bInterfaceClass', 'bInterfaceSubClass', 'bInterfaceProtocol'];
  const endpoints: SysfsEndpoint[] = [];
  for (const ep of (await readdir(dir)).filter((n) => n.startsWith('ep_'))) {
    endpoints.push({
      address: Number.parseInt(await attr(join(dir, ep, 'bEndpointAddress')), 16),
      direction: await attr(join(dir, ep, 'direction')),
      type: await attr(join(dir, ep, 'type')),
      maxPacket: Number.parseInt(await attr(join(dir, ep, 'wMaxPacketSize')), 16),
    });
  }
  const driver = await readlink(join(dir, 'driver')).then(basename, () => undefined);
  return {
    klass: (await Promise.all(klass.map((k) => attr(join(dir, k))))).join('/'),
    endpoints: endpoints.sort((a, b) => a.address - b.address),
    driver,
  };
}
