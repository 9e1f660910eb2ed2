/**
 * The AT port for `qfh verify` and `qfh fota`: required, and a port (a tty, a TCP bridge or
 * a simulated modem in normal mode), never the EDL device.
 *
 * @module
 */
import { UsageError } from '../errors.js';
import type { DeviceSpec } from '../transport/select-device.js';
import { deviceSpec, requireMode } from './devices.js';

/** Parses `--device` for a command that talks to the AT port. */
export function atDeviceSpec(text: string | undefined, command: string): DeviceSpec {
  const example =
    '--device /dev/ttyUSB2 (qfh list shows the AT port), tcp://HOST:PORT, or sim:PROFILE:normal';
  if (text === undefined || text.trim() === '')
    throw new UsageError('QFH_USAGE', `qfh ${command} needs the modem's AT port: ${example}`);
  const spec = deviceSpec(text);
  if (spec.kind === 'usb')
    throw new UsageError(
      'QFH_USAGE',
      `qfh ${command} talks to the AT port, not to a USB device in EDL: ${example}`,
    );
  requireMode(spec, {
    command,
    mode: 'normal',
    why: 'talks to the AT port of a modem in normal mode',
  });
  return spec;
}
