/**
 * `qfh flash` on a modem in normal mode: the access to its AT and DIAG ports and to the EDL
 * device it becomes, for the simulator (`--device sim:PROFILE:normal`) and for a USB Quectel
 * module found in sysfs (DIAG on interface 0, AT on interface 2, as on EG25/EC25/RM5xx; a
 * visible countdown while waiting for 05c6:9008), and for a PCIe module on the upstream
 * wwan driver (AT wwanNat0, DIAG wwanNqcdm0; the kernel loads the programmer on the switch
 * and exposes wwanNfirehose0).
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DeviceNotFoundError, TransportError } from '../errors.js';
import type { NormalModeAccess } from '../flash/from-normal-mode.js';
import {
  KERNEL_PROGRAMMER_NAMES,
  placeProgrammerForKernel,
  type PlacedProgrammer,
} from '../transport/kernel-firmware.js';
import { groupPciePorts, pcieModemState } from '../transport/pcie-ports.js';
import { SimulatedModem } from '../sim/modem.js';
import { openCharDevice } from '../transport/chardev.js';
import { openDevice } from '../transport/select-device.js';
import { listDevices } from '../transport/sysfs-devices.js';
import type { Transport } from '../transport/transport.js';
import type { CliOutput } from './output.js';

async function waitFor(
  what: string,
  seconds: number,
  out: CliOutput,
  ready: () => boolean,
): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  let shown = -1;
  while (!ready()) {
    const left = Math.ceil((deadline - Date.now()) / 1000);
    if (left <= 0) {
      throw new DeviceNotFoundError(
        'QFH_NO_DEVICE',
        `${what} did not appear within ${seconds} s after the switch`,
        {
          hint: 'The modem may still be in EDL: qfh list shows it; then run qfh edl-recover with the same package (a longer --wait helps on slow hosts).',
        },
      );
    }
    if (left !== shown) out.stderr(`qfh: waiting for ${what}… ${left} s\n`);
    shown = left;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Access to a simulated modem booted in normal mode. */
export function simulatorAccess(
  profile: string,
  out: CliOutput,
  waitSeconds: number,
): { access: NormalModeAccess; modem: SimulatedModem } {
  const modem = new SimulatedModem({ profile, state: 'normal' });
  const at = modem.connect();
  const when = async (state: 'edl' | 'normal', what: string): Promise<Transport> => {
    await waitFor(what, waitSeconds, out, () => modem.state === state);
    return modem.connect();
  };
  return {
    modem,
    access: {
      at,
      diag: at,
      openEdl: () => when('edl', 'the modem in EDL (05c6:9008)'),
      reopenAt: () => when('normal', 'the modem to come back'),
    },
  };
}

/** Access to a Quectel USB module in normal mode, if exactly one is attached. */
export async function usbNormalModeAccess(
  out: CliOutput,
  waitSeconds: number,
): Promise<NormalModeAccess | undefined> {
  const modems = (await listDevices()).usb.filter((d) => d.mode === 'normal');
  const modem = modems[0];
  if (modems.length !== 1 || !modem) return undefined;
  const tty = (n: number): string | undefined => modem.interfaces.find((i) => i.number === n)?.tty;
  const diagTty = tty(0);
  const atTty = tty(2) ?? tty(3);
  if (!diagTty || !atTty) return undefined;
  out.stderr(
    `qfh: found ${modem.product ?? 'a Quectel modem'} in normal mode at ${modem.path} (DIAG /dev/${diagTty}, AT /dev/${atTty})\n`,
  );
  return {
    at: await openCharDevice(`/dev/${atTty}`),
    diag: await openCharDevice(`/dev/${diagTty}`),
    openEdl: () =>
      openDevice(
        { kind: 'usb', serial: undefined },
        { waitMs: Math.max(waitSeconds, 30) * 1000, onWaiting: (m) => out.stderr(`qfh: ${m}\n`) },
      ),
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
 * through mhi_BHI with an ioctl qfh cannot issue yet: that is refused before anything is sent,
 * so the module is never left in EDL without a way to flash it.
 */
export async function pcieNormalModeAccess(
  out: CliOutput,
  waitSeconds: number,
  programmer: string | undefined,
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
  if (m.driver === 'pcie_mhi') {
    throw new TransportError(
      'QFH_TRANSPORT_UNSUPPORTED',
      `the PCIe module on ${m.at} uses Quectel's pcie_mhi driver, where the programmer goes through mhi_BHI with an ioctl qfh cannot send yet; nothing was sent`,
      {
        hint: 'Use the upstream driver (mhi-pci-generic + mhi_wwan_ctrl, nodes /dev/wwan0*), or switch the module to EDL and load the programmer with QFirehose -p /dev/mhi_BHI, then run qfh edl-recover --device /dev/mhi_EDL.',
      },
    );
  }
  const edlNode = join(devRoot, `wwan${m.index}firehose0`);
  out.stderr(`qfh: found a PCIe modem in normal mode (AT ${m.at}, DIAG ${m.diag})\n`);
  let placed: PlacedProgrammer | undefined;
  return {
    access: {
      at: await open(m.at),
      diag: await open(m.diag),
      programmerLoaded: true,
      beforeSwitch: async (_modem, pkg) => {
        const file = programmer
          ? resolve(programmer)
          : pkg.programmer
            ? join(pkg.root, pkg.programmer)
            : undefined;
        if (!file)
          throw new TransportError(
            'QFH_TRANSPORT_UNSUPPORTED',
            'the package has no programmer for the kernel to load',
            { hint: 'Pass --programmer FILE (the prog_firehose file for this modem).' },
          );
        // Under every name the driver may ask for: it requests only its own family's.
        placed = await placeProgrammerForKernel(
          file,
          Object.values(KERNEL_PROGRAMMER_NAMES),
          sysRoot,
        );
        out.stderr(
          `qfh: the kernel will load ${file} on the switch (firmware search path set to ${placed.folder} for now)\n`,
        );
      },
      openEdl: async () => {
        await waitFor(
          `${edlNode} (the kernel loading the programmer)`,
          Math.max(waitSeconds, 30),
          out,
          () => existsSync(edlNode),
        );
        return open(edlNode);
      },
      reopenAt: async () => {
        const at = m.at ?? '';
        await waitFor(
          `${at} (the modem back in normal mode)`,
          Math.max(waitSeconds, 120),
          out,
          () => !existsSync(edlNode) && existsSync(at),
        );
        return open(at);
      },
    },
    cleanup: async () => {
      await placed?.restore();
    },
  };
}
