/**
 * The ports of PCIe modems, grouped per module from their /dev node names
 * (research/modem.md §5): Quectel's out-of-tree `pcie_mhi` driver names them `mhi_DUN[n]`
 * (AT), `mhi_DIAG[n]`, `mhi_BHI[n]` and `mhi_EDL[n]` (n absent for the first module, 1..9
 * for more); upstream `mhi_wwan_ctrl` names them `wwanN` + `at0`, `qcdm0`, `firehose0`.
 *
 * @module
 */
import { basename } from 'node:path';

/** One PCIe module's ports. */
export interface PcieModemPorts {
  /** `pcie_mhi` (Quectel's driver) or `wwan` (upstream). */
  readonly driver: 'pcie_mhi' | 'wwan';
  /** The module's index: the mhi_ suffix, or N of wwanN. */
  readonly index: number;
  /** The AT port (normal mode). */
  readonly at?: string;
  /** The DIAG port, where the EDL switch frame is sent (normal mode). */
  readonly diag?: string;
  /** Where Firehose is spoken once in EDL. */
  readonly edl?: string;
  /** Where the programmer is uploaded (pcie_mhi only; the kernel does it for wwan). */
  readonly bhi?: string;
}

const ROLE: Record<string, 'at' | 'diag' | 'edl' | 'bhi'> = {
  DUN: 'at',
  DIAG: 'diag',
  EDL: 'edl',
  BHI: 'bhi',
  at: 'at',
  qcdm: 'diag',
  firehose: 'edl',
};

/** Groups PCIe modem node paths per module; other paths are ignored. */
export function groupPciePorts(paths: readonly string[]): PcieModemPorts[] {
  const groups = new Map<
    string,
    {
      driver: 'pcie_mhi' | 'wwan';
      index: number;
      at?: string;
      diag?: string;
      edl?: string;
      bhi?: string;
    }
  >();
  for (const path of paths) {
    const name = basename(path);
    const mhi = /^mhi_(DUN|DIAG|EDL|BHI)(\d*)$/.exec(name);
    const wwan = /^wwan(\d+)(at|qcdm|firehose)0$/.exec(name);
    const driver = mhi ? 'pcie_mhi' : wwan ? 'wwan' : undefined;
    const role = ROLE[mhi?.[1] ?? wwan?.[2] ?? ''];
    if (!driver || !role) continue;
    const index = Number((mhi ? mhi[2] : wwan?.[1]) || 0);
    const key = `${driver}:${index}`;
    const group = groups.get(key) ?? { driver, index };
    group[role] = path;
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => a.driver.localeCompare(b.driver) || a.index - b.index);
}

/** A module's state as its nodes show it. */
export function pcieModemState(p: PcieModemPorts): 'normal' | 'edl' | 'unknown' {
  if (p.at || p.diag) return 'normal';
  if (p.edl || p.bhi) return 'edl';
  return 'unknown';
}
