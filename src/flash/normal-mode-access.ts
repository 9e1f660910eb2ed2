/**
 * How to reach a modem in normal mode and the EDL device it becomes: a USB Quectel module
 * found in sysfs (DIAG on interface 0, AT on interface 2, as on EG25/EC25/RM5xx; a visible
 * countdown while waiting for 05c6:9008), and a PCIe module on the upstream wwan driver (AT
 * wwanNat0, DIAG wwanNqcdm0; the kernel loads the programmer on the switch and exposes
 * wwanNfirehose0). Messages go to a callback: the library never prints.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { packageFileOnDisk } from '../package/file-on-disk.js';
import { openEdlTty } from './edl-tty.js';
import { DeviceNotFoundError, TransportError } from '../errors.js';
import { openCharDevice } from '../transport/chardev.js';
import {
  KERNEL_PROGRAMMER_NAMES,
  placeProgrammerForKernel,
  type PlacedProgrammer,
} from '../transport/kernel-firmware.js';
import { groupPciePorts, pcieModemState } from '../transport/pcie-ports.js';
import { openDevice } from '../transport/select-device.js';
import { listDevices, normalModeTtys, type SysfsUsbDevice } from '../transport/sysfs-devices.js';
import type { Transport } from '../transport/transport.js';
import type { NormalModeAccess } from './from-normal-mode.js';

/** Options of the accessors. */
export interface AccessOptions {
  /** Seconds to wait for the module to re-enumerate. */
  readonly waitSeconds: number;
  /** Progress and countdown lines. */
  readonly onMessage?: ((line: string) => void) | undefined;
}

/** Waits until `ready()`, saying how long is left once a second. */
export async function waitUntil(
  what: string,
  o: AccessOptions & { ready: () => boolean | Promise<boolean> },
): Promise<void> {
  const deadline = Date.now() + o.waitSeconds * 1000;
  let shown = -1;
  while (!(await o.ready())) {
    const left = Math.ceil((deadline - Date.now()) / 1000);
    if (left <= 0)
      throw new DeviceNotFoundError(
        'QFH_NO_DEVICE',
        `${what} did not appear within ${o.waitSeconds} s after the switch`,
        {
          hint: 'The modem may still be in EDL: `qfh list` shows it; then run qfh edl-recover with the same package (a longer --wait helps on slow hosts).',
        },
      );
    if (left !== shown) o.onMessage?.(`waiting for ${what}… ${left} s`);
    shown = left;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The EDL device the switched module becomes: only one on its own port (or the port's USB 2/3
 * peer, where a SuperSpeed module comes back at high speed). Another board already sitting in
 * 05c6:9008 is never taken for it, whether or not the module echoed the switch frame.
 */
async function openEdlOnPort(ports: readonly string[], o: AccessOptions): Promise<Transport> {
  const waitSeconds = Math.max(o.waitSeconds, 30);
  let edl: SysfsUsbDevice | undefined;
  await waitUntil(`the modem in EDL (05c6:9008) on port ${ports.join(' or ')}`, {
    ...o,
    waitSeconds,
    ready: async () => {
      edl = (await listDevices()).usb.find((d) => d.mode === 'edl' && ports.includes(d.path));
      return edl !== undefined;
    },
  });
  const port = edl?.path ?? ports[0];
  return openDevice({ kind: 'usb', serial: undefined, port }, { waitMs: 5000 }).catch(
    (e: unknown) => {
      // No libusb here (a router): the qcserial tty of 05c6:9008 needs none.
      if ((e as { code?: string }).code !== 'QFH_USB_UNAVAILABLE') throw e;
      return openEdlTty({ ...o, waitSeconds, ports: port === undefined ? ports : [port] });
    },
  );
}

/** Access to a Quectel USB module in normal mode, if exactly one is attached. */
export async function usbNormalModeAccess(o: AccessOptions): Promise<NormalModeAccess | undefined> {
  const modems = (await listDevices()).usb.filter((d) => d.mode === 'normal');
  const modem = modems[0];
  if (modems.length !== 1 || !modem) return undefined;
  const { diag: diagTty, at: atTty } = normalModeTtys(modem);
  if (!diagTty || !atTty) return undefined;
  o.onMessage?.(
    `found ${modem.product ?? 'a Quectel modem'} in normal mode at ${modem.path} (DIAG /dev/${diagTty}, AT /dev/${atTty})`,
  );
  const at = await openCharDevice(`/dev/${atTty}`);
  const diag = await openCharDevice(`/dev/${diagTty}`).catch(async (e: unknown) => {
    await at.close();
    throw e;
  });
  return {
    at,
    diag,
    openEdl: () => openEdlOnPort([modem.path, ...(modem.peer ? [modem.peer] : [])], o),
  };
}

/** Where {@link pcieNormalModeAccess} looks, and how it opens nodes (tests point these at fixtures). */
export interface PcieAccessEnvironment {
  readonly devRoot?: string;
  readonly sysRoot?: string;
  readonly open?: (path: string) => Promise<Transport>;
}

/**
 * Access to a PCIe module in normal mode, if exactly one is present. On the upstream wwan
 * driver the package's programmer is placed where the kernel's loader looks just before the
 * switch (and put back by `cleanup`). Quectel's pcie_mhi driver needs the programmer pushed
 * through mhi_BHI with an ioctl qfh cannot issue yet: that is refused before anything is
 * sent, so the module is never left in EDL without a way to flash it.
 */
export async function pcieNormalModeAccess(
  o: AccessOptions & { programmer?: string | undefined },
  env: PcieAccessEnvironment = {},
): Promise<{ access: NormalModeAccess; cleanup(): Promise<void> } | undefined> {
  const devRoot = env.devRoot ?? '/dev';
  const sysRoot = env.sysRoot ?? '/sys';
  const open = env.open ?? openCharDevice;
  const modules = groupPciePorts((await listDevices(sysRoot, devRoot)).pcie).filter(
    (p) => pcieModemState(p) === 'normal' && p.at && p.diag,
  );
  const m = modules[0];
  if (modules.length !== 1 || !m?.at || !m.diag) return undefined;
  if (m.driver === 'pcie_mhi')
    throw new TransportError(
      'QFH_TRANSPORT_UNSUPPORTED',
      `the PCIe module on ${m.at} uses Quectel's pcie_mhi driver, where the programmer goes through mhi_BHI with an ioctl qfh cannot send yet; nothing was sent`,
      {
        hint: 'Use the upstream driver (mhi-pci-generic + mhi_wwan_ctrl, nodes /dev/wwan0*), or switch the module to EDL and load the programmer with QFirehose -p /dev/mhi_BHI, then run qfh edl-recover --device /dev/mhi_EDL.',
      },
    );
  const edlNode = join(devRoot, `wwan${m.index}firehose0`);
  const atNode = m.at;
  o.onMessage?.(`found a PCIe modem in normal mode (AT ${m.at}, DIAG ${m.diag})`);
  let placed: PlacedProgrammer | undefined;
  const at = await open(atNode);
  const diag = await open(m.diag);
  const access: NormalModeAccess = {
    at,
    diag,
    programmerLoaded: true,
    beforeSwitch: async (_modem, pkg) => {
      // From a zip, the programmer is copied out (just that file) for the kernel, then removed.
      const copied =
        !o.programmer && pkg.programmer
          ? await packageFileOnDisk(pkg.source, pkg.programmer)
          : undefined;
      const file = o.programmer ? resolve(o.programmer) : copied?.path;
      if (!file)
        throw new TransportError(
          'QFH_TRANSPORT_UNSUPPORTED',
          'the package has no programmer for the kernel to load',
          {
            hint: 'Pass --programmer FILE (the prog_firehose file for this modem).',
          },
        );
      try {
        // Under every name the driver may ask for: it requests only its own family's.
        placed = await placeProgrammerForKernel(
          file,
          Object.values(KERNEL_PROGRAMMER_NAMES),
          sysRoot,
        );
      } finally {
        await copied?.remove();
      }
      o.onMessage?.(
        `the kernel will load ${pkg.programmer ?? file} on the switch (firmware search path set to ${placed.folder} for now)`,
      );
    },
    openEdl: async () => {
      const what = `${edlNode} (the kernel loading the programmer)`;
      await waitUntil(what, {
        ...o,
        waitSeconds: Math.max(o.waitSeconds, 30),
        ready: () => existsSync(edlNode),
      });
      return open(edlNode);
    },
    reopenAt: async () => {
      const what = `${atNode} (the modem back in normal mode)`;
      const ready = (): boolean => !existsSync(edlNode) && existsSync(atNode);
      await waitUntil(what, { ...o, waitSeconds: Math.max(o.waitSeconds, 120), ready });
      return open(atNode);
    },
  };
  return { access, cleanup: async () => placed?.restore() };
}
