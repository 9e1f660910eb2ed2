/**
 * Lists modems from Linux sysfs, no libusb needed: USB devices in EDL (05c6:9008 and any
 * vendor EDL interface) and Quectel modules in normal mode (VID 2c7c) with the tty each of
 * their interfaces exposes, plus PCIe modem nodes in /dev (mhi_*, wwan*). The roots are
 * parameters so tests can point at fixture trees. A device's sysfs name is its physical
 * port (`1-1.4`); its `peer` is the same connector on the other root hub of a USB 3 port,
 * where a modem that runs at SuperSpeed in normal mode comes back at high speed in EDL.
 *
 * @module
 */
import { readdir, readFile, readlink, realpath } from 'node:fs/promises';
import { basename, join } from 'node:path';

/** One interface of a USB device. */
export interface SysfsInterface {
  readonly number: number;
  readonly class: number;
  readonly subclass: number;
  readonly protocol: number;
  readonly driver: string | undefined;
  /** `ttyUSB2` etc., if a tty driver is bound. */
  readonly tty: string | undefined;
}

/** A USB device of interest. */
export interface SysfsUsbDevice {
  /** sysfs name, e.g. `1-1.4`. */
  readonly path: string;
  readonly vid: number;
  readonly pid: number;
  readonly product: string | undefined;
  readonly serial: string | undefined;
  readonly mode: 'edl' | 'normal';
  readonly interfaces: readonly SysfsInterface[];
  /** The port path of the same connector on the other root hub (USB 2 ↔ USB 3), if any. */
  readonly peer?: string | undefined;
}

/**
 * The ttys of a Quectel module in normal mode: DIAG on interface 0, AT on 2 (EG25/EC25/
 * RM5xx) or 3. Undefined where no driver bound a tty to the interface.
 */
export function normalModeTtys(d: SysfsUsbDevice): {
  diag: string | undefined;
  at: string | undefined;
} {
  const tty = (n: number): string | undefined => d.interfaces.find((i) => i.number === n)?.tty;
  return { diag: tty(0), at: tty(2) ?? tty(3) };
}

/** What `qfh list` shows. */
export interface DeviceListing {
  readonly usb: readonly SysfsUsbDevice[];
  /** PCIe modem nodes found in /dev. */
  readonly pcie: readonly string[];
}

const QUECTEL_VID = 0x2c7c;
const EDL_PROTOCOLS = new Set([0xff, 0x10, 0x11, 0x13]);

const read = async (path: string): Promise<string | undefined> =>
  (await readFile(path, 'utf8').catch(() => undefined))?.trim();
const hexOf = async (path: string): Promise<number | undefined> => {
  const text = await read(path);
  return text === undefined ? undefined : parseInt(text, 16);
};

async function interfacesOf(root: string, device: string): Promise<SysfsInterface[]> {
  const entries = await readdir(join(root, device)).catch(() => [] as string[]);
  const out: SysfsInterface[] = [];
  for (const name of entries.filter((e) => e.startsWith(`${device}:`)).sort()) {
    const dir = join(root, device, name);
    const number = (await hexOf(join(dir, 'bInterfaceNumber'))) ?? Number(name.split('.').pop());
    const children = await readdir(dir).catch(() => [] as string[]);
    // `driver` is a symlink to /sys/bus/usb/drivers/<name>.
    const link = await readlink(join(dir, 'driver')).catch(() => undefined);
    const driver = link === undefined ? undefined : basename(link);
    out.push({
      number,
      class: (await hexOf(join(dir, 'bInterfaceClass'))) ?? 0,
      subclass: (await hexOf(join(dir, 'bInterfaceSubClass'))) ?? 0,
      protocol: (await hexOf(join(dir, 'bInterfaceProtocol'))) ?? 0,
      driver,
      tty: children.find((c) => /^tty(USB|ACM)\d+$/.test(c)),
    });
  }
  return out;
}

/** `usb1-port2` → `1-2`; `1-1-port3` → `1-1.3` (a port directory's name → the device on it). */
export function deviceOnPort(portDirectory: string): string | undefined {
  const root = /^usb(\d+)-port(\d+)$/.exec(portDirectory);
  if (root) return `${root[1]}-${root[2]}`;
  const hub = /^(\d+-[\d.]+)-port(\d+)$/.exec(portDirectory);
  return hub ? `${hub[1]}.${hub[2]}` : undefined;
}

/** The device's `port/peer` link, as the port path of the peer connector. */
async function peerOf(root: string, device: string): Promise<string | undefined> {
  const port = await realpath(join(root, device, 'port')).catch(() => undefined);
  if (port === undefined) return undefined;
  const peer = await realpath(join(port, 'peer')).catch(() => undefined);
  return peer === undefined ? undefined : deviceOnPort(basename(peer));
}

/**
 * Reads `${sysRoot}/bus/usb/devices` and `${devRoot}`.
 * @param sysRoot `/sys` or a fixture
 * @param devRoot `/dev` or a fixture
 */
export async function listDevices(
  sysRoot = '/sys',
  devRoot = '/dev',
  extraEdlVids: readonly number[] = [],
): Promise<DeviceListing> {
  const root = join(sysRoot, 'bus/usb/devices');
  const names = (await readdir(root).catch(() => [] as string[]))
    .filter((n) => !n.includes(':'))
    .sort();
  const usb: SysfsUsbDevice[] = [];
  for (const name of names) {
    const vid = await hexOf(join(root, name, 'idVendor'));
    const pid = await hexOf(join(root, name, 'idProduct'));
    if (vid === undefined || pid === undefined) continue;
    const interfaces = await interfacesOf(root, name);
    const edl =
      (vid === 0x05c6 || extraEdlVids.includes(vid)) &&
      interfaces.some(
        (i) => i.class === 0xff && i.subclass === 0xff && EDL_PROTOCOLS.has(i.protocol),
      );
    if (!edl && vid !== QUECTEL_VID) continue;
    usb.push({
      path: name,
      vid,
      pid,
      product: await read(join(root, name, 'product')),
      serial: await read(join(root, name, 'serial')),
      mode: edl ? 'edl' : 'normal',
      interfaces,
      peer: await peerOf(root, name),
    });
  }
  const dev = await readdir(devRoot).catch(() => [] as string[]);
  const pcie = dev
    .filter((d) => /^(mhi_(BHI|EDL|DIAG|DUN)\d*|wwan\d+(firehose|qcdm|at)\d+)$/.test(d))
    .sort()
    .map((d) => join(devRoot, d));
  return { usb, pcie };
}
