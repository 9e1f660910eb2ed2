/**
 * A `--device` value as a fleet target: a port (`usb:1-1.4`, followed across
 * re-enumeration), an EDL device by serial, a node in /dev, a TCP address, or a simulated
 * modem (wired in by the caller: this layer does not know the simulator).
 *
 * @module
 */
import { UsageError } from '../errors.js';
import { servedModem } from '../flash/served-modem.js';
import { timeoutsFor, type Timeouts } from '../timeouts.js';
import { openDevice, type DeviceSpec } from '../transport/select-device.js';
import type { ModemBus } from './bus.js';
import type { FleetConnection, FleetTarget } from './fleet-types.js';
import { portTarget, type PortTargetOptions } from './port-target.js';

/** What turning specs into targets needs. */
export interface SpecTargetOptions extends PortTargetOptions {
  readonly bus: ModemBus;
  /** Overrides of the timeout table (the tcp:// probe's HELLO and AT waits). */
  readonly timeouts?: Partial<Timeouts> | undefined;
  /** Opens `sim:` devices. */
  readonly openSim?:
    | ((
        spec: Extract<DeviceSpec, { kind: 'sim' }>,
        onMessage: (line: string) => void,
      ) => FleetConnection)
    | undefined;
}

/** The target `spec` (given as `text`) names. */
export function specTarget(spec: DeviceSpec, text: string, o: SpecTargetOptions): FleetTarget {
  if (spec.kind === 'usb' && spec.port !== undefined)
    return portTarget(o.bus, { port: spec.port }, o);
  if (spec.kind === 'usb' && spec.serial === undefined)
    throw new UsageError(
      'QFH_USAGE',
      '--device usb names no one modem when several are flashed together',
      {
        hint: 'Name each modem by its port (--device usb:1-1.4; qfh list shows them), or use --all.',
      },
    );
  if (spec.kind === 'sim') {
    const openSim = o.openSim;
    if (!openSim)
      throw new UsageError('QFH_USAGE', 'sim devices are only available from the qfh command line');
    return { device: text, connect: async ({ onMessage }) => openSim(spec, onMessage) };
  }
  if (spec.kind === 'tcp')
    return {
      device: text,
      connect: ({ onMessage }) =>
        // Neither wait of the probe depends on the storage kind.
        servedModem(() => openDevice(spec, { waitMs: o.waitSeconds * 1000, onNotice: onMessage }), {
          timeouts: timeoutsFor('emmc', o.timeouts),
          waitSeconds: o.waitSeconds,
          onMessage,
        }),
    };
  return {
    device: spec.kind === 'usb' ? `usb:${spec.serial}` : text,
    connect: async ({ onMessage }) => ({
      mode: 'edl',
      transport: await openDevice(spec, {
        waitMs: o.waitSeconds * 1000,
        onWaiting: onMessage,
        onNotice: onMessage,
        ...(spec.kind === 'usb' ? { usbModule: await o.bus.usbModule() } : {}),
      }),
    }),
  };
}
