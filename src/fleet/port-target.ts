/**
 * A modem named by its physical port (`usb:1-1.4`): found there in EDL or in normal mode,
 * and in normal mode followed across its switch to EDL and its boot back, on that port only.
 *
 * @module
 */
import { DeviceNotFoundError } from '../errors.js';
import type { NormalModeAccess } from '../flash/from-normal-mode.js';
import { normalModeTtys, type SysfsUsbDevice } from '../transport/sysfs-devices.js';
import type { Transport } from '../transport/transport.js';
import type { ModemBus } from './bus.js';
import type { FleetTarget } from './fleet-types.js';
import {
  onModemPort,
  openEdlOnPort,
  pollUntil,
  waitForListed,
  type ModemPorts,
} from './port-wait.js';

/** How long to wait. */
export interface PortTargetOptions {
  /** For the modem to be on its port, and (at least 30 s) for it in EDL after the switch. */
  readonly waitSeconds: number;
  /** For the modem to boot back into normal mode after the flash. @default 120 */
  readonly bootWaitSeconds?: number | undefined;
}

/** The module's DIAG and AT ttys, or why it cannot be reached in normal mode. */
function normalPorts(d: SysfsUsbDevice): { diag: string; at: string } {
  const { diag, at } = normalModeTtys(d);
  if (diag && at) return { diag, at };
  throw new DeviceNotFoundError(
    'QFH_NO_DEVICE',
    `the modem on port ${d.path} is in normal mode but has no DIAG and AT ttys`,
    {
      hint: `Bind the option driver to it (modprobe option; echo 2c7c ${d.pid.toString(16).padStart(4, '0')} > /sys/bus/usb-serial/drivers/option1/new_id), then run qfh again.`,
    },
  );
}

/** The modem on `ports`, opened on demand. */
export function portTarget(bus: ModemBus, ports: ModemPorts, o: PortTargetOptions): FleetTarget {
  return {
    device: `usb:${ports.port}`,
    connect: async ({ signal, onMessage }) => {
      const listed = await pollUntil(
        `a modem on port ${ports.port}`,
        async () => (await bus.listing()).usb.find((d) => onModemPort(d.path, ports)),
        { waitMs: o.waitSeconds * 1000, signal, onWaiting: onMessage },
      );
      const known: ModemPorts = { port: ports.port, peer: ports.peer ?? listed.peer };
      const wait = { signal, onWaiting: onMessage, onNotice: onMessage };
      if (listed.mode === 'edl')
        return { mode: 'edl', transport: await openEdlOnPort(bus, known, { ...wait, waitMs: 0 }) };
      const access = await normalAccess(bus, listed, {
        ports: known,
        openEdl: () =>
          openEdlOnPort(bus, known, { ...wait, waitMs: Math.max(o.waitSeconds, 30) * 1000 }),
        bootWaitMs: (o.bootWaitSeconds ?? 120) * 1000,
        onMessage,
      });
      return { mode: 'normal', access };
    },
  };
}

async function normalAccess(
  bus: ModemBus,
  listed: SysfsUsbDevice,
  c: {
    ports: ModemPorts;
    openEdl: () => Promise<Transport>;
    bootWaitMs: number;
    onMessage: (line: string) => void;
  },
): Promise<NormalModeAccess> {
  const { diag, at } = normalPorts(listed);
  c.onMessage(
    `found ${listed.product ?? 'a Quectel modem'} in normal mode on port ${listed.path} (DIAG /dev/${diag}, AT /dev/${at})`,
  );
  const atPort = await bus.openTty(at);
  const diagPort = await bus.openTty(diag).catch(async (e: unknown) => {
    await atPort.close();
    throw e;
  });
  return {
    at: atPort,
    diag: diagPort,
    openEdl: c.openEdl,
    // Its ttys may have other numbers once it is back: looked up again.
    reopenAt: async () => {
      const back = await waitForListed(bus, c.ports, {
        mode: 'normal',
        waitMs: c.bootWaitMs,
        onWaiting: c.onMessage,
      });
      return bus.openTty(normalPorts(back).at);
    },
  };
}
