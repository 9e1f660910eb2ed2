/**
 * `--device` parsing and opening: `usb[:SERIAL]`, `usb:PORT` (the physical port, `1-1.4`,
 * which a modem keeps across re-enumeration), a `/dev/...` node, `tcp://host:port`, or
 * `sim[:profile]` (an in-process simulated modem, for demos and tests). Waiting for a
 * USB device says what is on the bus meanwhile (a modem still in normal mode, another
 * vendor's device), so a user is never left staring at a silent prompt.
 *
 * @module
 */
import { DeviceNotFoundError, UsageError } from '../errors.js';
import { openCharDevice } from './chardev.js';
import { openTcpTransport } from './tcp.js';
import type { Transport } from './transport.js';
import { findEdlDevices, loadUsbModule, openUsbTransport, type EdlDevice } from './usb.js';
import type { UsbModuleLike } from './usb-api.js';

/** A parsed `--device`. */
export type DeviceSpec =
  | {
      readonly kind: 'usb';
      readonly serial: string | undefined;
      /** The physical port (`1-1.4`, Linux's name), when the device was named by it. */
      readonly port?: string | undefined;
    }
  | { readonly kind: 'path'; readonly path: string }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number }
  | { readonly kind: 'sim'; readonly profile: string; readonly state: 'edl' | 'normal' };

/** Whether `text` is a USB port path (`1-1.4`: bus, then the port on each hub). */
export const isPortPath = (text: string): boolean => /^\d+-\d+(\.\d+)*$/.test(text);

/** Parses `--device`. @default usb */
export function parseDeviceSpec(text = 'usb'): DeviceSpec {
  if (text.startsWith('usb:') && isPortPath(text.slice(4)))
    return { kind: 'usb', serial: undefined, port: text.slice(4) };
  if (text === 'usb' || text.startsWith('usb:'))
    return { kind: 'usb', serial: text.slice(4).toUpperCase() || undefined };
  if (text.startsWith('/')) return { kind: 'path', path: text };
  const tcp = /^tcp:\/\/(?:\[([^\]]+)\]|([^:/]+)):(\d+)$/.exec(text);
  if (tcp) return { kind: 'tcp', host: tcp[1] ?? tcp[2] ?? '', port: Number(tcp[3]) };
  if (text === 'sim' || text.startsWith('sim:')) {
    const [profile, state] = text.slice(4).split(':');
    return {
      kind: 'sim',
      profile: profile || 'eg25g',
      state: state === 'normal' ? 'normal' : 'edl',
    };
  }
  throw new UsageError(
    'QFH_USAGE',
    `--device "${text}" is not usb[:SERIAL], usb:PORT (1-1.4), /dev/..., tcp://host:port or sim[:profile[:normal]]`,
  );
}

/** A modem's mode: in EDL (Sahara, Firehose) or normal (AT ports, the network). */
export type DeviceMode = 'edl' | 'normal';

/**
 * The mode a handle is known to be in before it is opened: a simulated modem's is in its
 * name; a real device's is only found by opening it (`undefined`).
 */
export function knownMode(spec: DeviceSpec): DeviceMode | undefined {
  return spec.kind === 'sim' ? spec.state : undefined;
}

/**
 * Whether each opening of the handle is a different modem (a simulated one is made anew),
 * so a handle named twice is two modems, not one modem named twice.
 */
export function opensNewModem(spec: DeviceSpec): boolean {
  return spec.kind === 'sim';
}

/** The handle as `--device` spells it; `mode` spells a simulated modem in another mode. */
export function deviceText(
  spec: DeviceSpec,
  mode: DeviceMode | undefined = knownMode(spec),
): string {
  switch (spec.kind) {
    case 'usb':
      return spec.port !== undefined
        ? `usb:${spec.port}`
        : `usb${spec.serial ? `:${spec.serial}` : ''}`;
    case 'path':
      return spec.path;
    case 'tcp':
      return `tcp://${spec.host.includes(':') ? `[${spec.host}]` : spec.host}:${spec.port}`;
    case 'sim':
      return `sim:${spec.profile}${mode === 'normal' ? ':normal' : ''}`;
  }
}

/** Options for {@link openDevice}. */
export interface OpenDeviceOptions {
  /** How long to wait for a USB EDL device to appear. @default 0 */
  waitMs?: number;
  /** Called about once a second while waiting, with what is seen on the bus. */
  onWaiting?: (message: string) => void;
  onNotice?: (message: string) => void;
  /** The usb module (tests pass a fake). @default the real one, loaded lazily */
  usbModule?: UsbModuleLike;
  /** Opens `sim:` devices (the simulator is wired in by the caller, keeping this layer free of it). */
  openSim?: (profile: string) => Transport;
  extraVids?: readonly number[];
}

const hex4 = (n: number): string => n.toString(16).padStart(4, '0');

/** What is on the bus, in one line, for the waiting message. */
function seen(module: UsbModuleLike): string {
  const interesting = module
    .getDeviceList()
    .filter((d) => [0x05c6, 0x2c7c].includes(d.deviceDescriptor.idVendor));
  if (interesting.length === 0) return 'no Qualcomm or Quectel device on the bus';
  return interesting
    .map((d) => {
      const id = `${hex4(d.deviceDescriptor.idVendor)}:${hex4(d.deviceDescriptor.idProduct)}`;
      return d.deviceDescriptor.idVendor === 0x2c7c
        ? `${id} (a Quectel modem in normal mode: qfh flash switches it to EDL)`
        : id;
    })
    .join(', ');
}

async function pickUsb(
  module: UsbModuleLike,
  spec: Extract<DeviceSpec, { kind: 'usb' }>,
  options: OpenDeviceOptions,
): Promise<Transport> {
  const deadline = Date.now() + (options.waitMs ?? 0);
  let lastNote = 0;
  const named = spec.port
    ? `at port ${spec.port}`
    : spec.serial
      ? `with serial ${spec.serial}`
      : '';
  for (;;) {
    const found: EdlDevice[] = findEdlDevices(module, options.extraVids).filter(
      (d) => spec.port === undefined || d.path === spec.port,
    );
    if (found.length > 0) {
      if (!spec.serial && !spec.port && found.length > 1) {
        throw new DeviceNotFoundError(
          'QFH_DEVICE_AMBIGUOUS',
          `${found.length} devices are in EDL (${found.map((f) => f.path).join(', ')})`,
          { hint: 'Pick one with --device usb:PORT or usb:SERIAL (qfh list shows both).' },
        );
      }
      for (const candidate of found) {
        const transport = await openUsbTransport(
          candidate,
          options.onNotice ? { onNotice: options.onNotice } : {},
        );
        if (!spec.serial || transport.serial === spec.serial) return transport;
        await transport.close();
      }
    }
    if (Date.now() >= deadline) {
      throw new DeviceNotFoundError(
        'QFH_NO_DEVICE',
        `no EDL device${named ? ` ${named}` : ''} found; seen: ${seen(module)}`,
      );
    }
    if (Date.now() - lastNote >= 1000) {
      lastNote = Date.now();
      options.onWaiting?.(
        `waiting for an EDL device (05c6:9008), ${Math.ceil((deadline - Date.now()) / 1000)} s left; seen: ${seen(module)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Errors that mean nothing is there under that name: a node that does not exist (unplugged,
 * or not that name), a TCP port nobody listens on.
 */
const ABSENT = new Set(['ENOENT', 'ENODEV', 'ENXIO', 'ECONNREFUSED']);

/**
 * A handle the user named with nothing behind it is "no device" (exit 4), as a usb handle
 * with no modem behind it is, not an I/O failure.
 */
async function absentAsNoDevice(
  opening: Promise<Transport>,
  c: { name: string; hint: string },
): Promise<Transport> {
  try {
    return await opening;
  } catch (e) {
    const code = (e as { cause?: { code?: unknown } }).cause?.code;
    if (typeof code !== 'string' || !ABSENT.has(code)) throw e;
    throw new DeviceNotFoundError('QFH_NO_DEVICE', `no modem at ${c.name} (${code})`, {
      cause: e,
      hint: c.hint,
    });
  }
}

/** Opens the device `spec` names. */
export async function openDevice(
  spec: DeviceSpec,
  options: OpenDeviceOptions = {},
): Promise<Transport> {
  switch (spec.kind) {
    case 'usb':
      return pickUsb(options.usbModule ?? (await loadUsbModule()), spec, options);
    case 'path':
      return absentAsNoDevice(
        openCharDevice(spec.path, options.onNotice ? { onNotice: options.onNotice } : {}),
        {
          name: spec.path,
          hint: '`qfh list` shows the modems on this machine and the --device handle of each (ls /dev/ttyUSB* /dev/wwan* /dev/mhi_* lists the nodes).',
        },
      );
    case 'tcp':
      return absentAsNoDevice(openTcpTransport(spec.host, spec.port), {
        name: `tcp://${spec.host}:${spec.port}`,
        hint: 'Start the relay on the router (qfh relay-script) or qfh simulate, and check the address it prints.',
      });
    case 'sim':
      if (!options.openSim)
        throw new UsageError(
          'QFH_USAGE',
          'sim devices are only available from the qfh command line and the simulator module',
        );
      return options.openSim(spec.profile);
  }
}
