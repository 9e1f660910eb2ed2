/**
 * The AT port for `qfh verify` and `qfh fota`: required, and a port (a tty, a TCP bridge or
 * a simulated modem in normal mode). A `usb` handle means what it means for `qfh flash`: the
 * modem (the one there is, the one on that port, the one with that serial), here reached
 * through the AT tty the option driver bound to it.
 *
 * @module
 */
import { DeviceNotFoundError, UsageError } from '../errors.js';
import type { DeviceSpec } from '../transport/select-device.js';
import { listDevices, normalModeTtys, type SysfsUsbDevice } from '../transport/sysfs-devices.js';
import { deviceSpec, requireMode } from './devices.js';

const EXAMPLE =
  '--device /dev/ttyUSB2 (qfh list shows the AT port), usb:PORT, tcp://HOST:PORT, or sim:PROFILE:normal';

/** Parses `--device` for a command that talks to the AT port. */
export function atDeviceSpec(text: string | undefined, command: string): DeviceSpec {
  if (text === undefined || text.trim() === '')
    throw new UsageError('QFH_USAGE', `qfh ${command} needs the modem's AT port: ${EXAMPLE}`);
  const spec = deviceSpec(text);
  requireMode(spec, {
    command,
    mode: 'normal',
    why: 'talks to the AT port of a modem in normal mode',
  });
  return spec;
}

const named = (spec: Extract<DeviceSpec, { kind: 'usb' }>): string =>
  spec.port !== undefined
    ? `on port ${spec.port}`
    : spec.serial !== undefined
      ? `with serial ${spec.serial}`
      : 'on USB';

/** Whether `d` is the modem a `usb` handle names. */
function isNamed(d: SysfsUsbDevice, spec: Extract<DeviceSpec, { kind: 'usb' }>): boolean {
  if (spec.port !== undefined) return d.path === spec.port || d.peer === spec.port;
  return spec.serial === undefined || d.serial?.toUpperCase() === spec.serial;
}

/**
 * The AT tty of the modem a `usb` handle names (other handles unchanged).
 * @throws DeviceNotFoundError when no modem in normal mode (or no AT tty) is there, or when a
 *   bare `usb` finds several.
 */
export async function resolveAtPort(
  spec: DeviceSpec,
  c: { command: string; sysRoot?: string; devRoot?: string },
): Promise<DeviceSpec> {
  if (spec.kind !== 'usb') return spec;
  const found = (await listDevices(c.sysRoot, c.devRoot)).usb.filter((d) => isNamed(d, spec));
  const normal = found.filter((d) => d.mode === 'normal');
  if (normal.length === 0)
    throw new DeviceNotFoundError(
      'QFH_NO_DEVICE',
      found.length > 0
        ? `the modem ${named(spec)} is in EDL; qfh ${c.command} talks to it in normal mode`
        : `no Quectel modem in normal mode ${named(spec)}`,
      { hint: `\`qfh list\` shows the modems and their AT ports; or give one: ${EXAMPLE}.` },
    );
  if (normal.length > 1)
    throw new DeviceNotFoundError(
      'QFH_DEVICE_AMBIGUOUS',
      `${normal.length} modems in normal mode ${named(spec)}: ${normal.map((d) => d.path).join(', ')}`,
      { hint: `Name one: --device usb:${normal[0]?.path ?? 'PORT'}.` },
    );
  const modem = normal[0] as SysfsUsbDevice;
  const at = normalModeTtys(modem).at;
  if (at === undefined)
    throw new DeviceNotFoundError(
      'QFH_NO_DEVICE',
      `the modem on port ${modem.path} has no AT tty: no driver is bound to its AT interface`,
      { hint: 'Load the option driver (modprobe option), or use --device tcp://HOST:PORT.' },
    );
  return { kind: 'path', path: `${c.devRoot ?? '/dev'}/${at}` };
}
