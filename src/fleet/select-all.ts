/**
 * `--all`: every modem on the host that is in EDL or in normal mode and fits the package,
 * each as a target; the rest listed with the reason it was left out. What can be told
 * without opening a modem is told here (no DIAG/AT tty, a USB product string naming another
 * model, a PCIe driver qfh cannot load a programmer through); the gates that need the modem
 * (variant, version, storage) run per modem during the flash, refusing that modem alone.
 *
 * @module
 */
import { DeviceNotFoundError } from '../errors.js';
import { pcieNormalModeAccess } from '../flash/normal-mode-access.js';
import type { FirmwarePackage } from '../package/read-package.js';
import { modelNamedIn, parseFirmwareIdentity } from '../quectel-revision.js';
import { groupPciePorts, pcieModemState, type PcieModemPorts } from '../transport/pcie-ports.js';
import { openDevice } from '../transport/select-device.js';
import { normalModeTtys, type SysfsUsbDevice } from '../transport/sysfs-devices.js';
import type { ModemBus } from './bus.js';
import type { FleetTarget } from './fleet-types.js';
import { portTarget, type PortTargetOptions } from './port-target.js';

/** A modem `--all` left out, and why. */
export interface SkippedModem {
  readonly device: string;
  readonly reason: string;
}

/** What `--all` chose. */
export interface Selection {
  readonly targets: readonly FleetTarget[];
  readonly skipped: readonly SkippedModem[];
}

/** Why a USB modem in normal mode is left out, if it is. */
function normalModeProblem(
  d: SysfsUsbDevice,
  packageModel: string | undefined,
): string | undefined {
  const { diag, at } = normalModeTtys(d);
  if (!diag || !at)
    return 'in normal mode without DIAG and AT ttys (the option driver is not bound to it)';
  const model = modelNamedIn(d.product ?? '');
  if (packageModel && model && model !== packageModel)
    return `its USB product "${d.product ?? ''}" is a ${model}; the package is for ${packageModel}`;
  return undefined;
}

/** A PCIe module as a target, or why it is left out. */
function pcieChoice(
  p: PcieModemPorts,
  c: PortTargetOptions & { normalCount: number; programmer: string | undefined },
): FleetTarget | string {
  const state = pcieModemState(p);
  if (state === 'edl' && p.driver === 'wwan' && p.edl) {
    const edl = p.edl;
    return {
      device: edl,
      connect: async () => ({
        mode: 'edl',
        transport: await openDevice({ kind: 'path', path: edl }),
      }),
    };
  }
  if (state === 'edl')
    return "in EDL on Quectel's pcie_mhi driver: load the programmer through mhi_BHI first, then name it with --device /dev/mhi_EDL";
  if (state !== 'normal' || !p.at) return 'its state cannot be told from its nodes';
  if (p.driver === 'pcie_mhi')
    return "on Quectel's pcie_mhi driver, where qfh cannot load the programmer through mhi_BHI yet";
  if (c.normalCount > 1)
    return 'one of several PCIe modules in normal mode: the kernel firmware search path they share allows one switch at a time';
  const at = p.at;
  return {
    device: at,
    connect: async ({ onMessage }) => {
      const found = await pcieNormalModeAccess({ ...c, onMessage, programmer: c.programmer });
      if (!found)
        throw new DeviceNotFoundError('QFH_NO_DEVICE', `the PCIe module on ${at} is gone`);
      return { mode: 'normal', access: found.access, cleanup: found.cleanup };
    },
  };
}

/** Every modem on `bus` that fits `pkg`, and the others with their reasons. */
export async function selectAll(
  bus: ModemBus,
  pkg: FirmwarePackage,
  o: PortTargetOptions & { programmer?: string | undefined },
): Promise<Selection> {
  const listing = await bus.listing();
  const packageModel = parseFirmwareIdentity(pkg.name)?.model;
  const targets: FleetTarget[] = [];
  const skipped: SkippedModem[] = [];
  for (const d of listing.usb) {
    const problem = d.mode === 'normal' ? normalModeProblem(d, packageModel) : undefined;
    if (problem) skipped.push({ device: `usb:${d.path}`, reason: problem });
    else targets.push(portTarget(bus, { port: d.path, peer: d.peer }, o));
  }
  const pcie = groupPciePorts(listing.pcie);
  const normalCount = pcie.filter((p) => pcieModemState(p) === 'normal').length;
  for (const p of pcie) {
    const choice = pcieChoice(p, { ...o, normalCount, programmer: o.programmer });
    if (typeof choice === 'string')
      skipped.push({ device: p.at ?? p.edl ?? p.diag ?? p.bhi ?? '', reason: choice });
    else targets.push(choice);
  }
  return { targets, skipped };
}
