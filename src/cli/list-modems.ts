/**
 * `qfh list`'s modems, one per physical modem with the handle that names it in `--device`:
 * `usb:PORT` for USB (the port path, which stays the same when the modem switches between
 * normal mode and EDL, while its serial changes or disappears), the /dev node for PCIe.
 * The `modems` array of `qfh list --json` (README documents its fields): every field is
 * present, `null` where it is not known, so scripts read a stable shape.
 *
 * @module
 */
import { groupPciePorts, pcieModemState } from '../transport/pcie-ports.js';
import {
  normalModeTtys,
  type DeviceListing,
  type SysfsUsbDevice,
} from '../transport/sysfs-devices.js';
import { serialFromProduct } from '../transport/usb.js';

/** One modem as `qfh list` shows it. */
export interface ListedModem {
  /** What `--device` takes to name it: `usb:1-1.4`, `/dev/wwan0at0`, `/dev/wwan0firehose0`. */
  readonly handle: string;
  readonly bus: 'usb' | 'pcie';
  readonly mode: 'edl' | 'normal' | 'unknown';
  /** USB port path (`1-1.4`), and its USB 2/3 peer where the kernel links one. */
  readonly port: string | null;
  readonly peer: string | null;
  /** `vid:pid` in hex (USB). */
  readonly id: string | null;
  /** The USB serial; in EDL, the chip serial from the product string. */
  readonly serial: string | null;
  /** The USB product string (`RM500Q-GL`, `QUSB__BULK`), or the PCIe driver. */
  readonly identity: string | null;
  /** Its ports in /dev: AT and DIAG in normal mode, the EDL tty or node. */
  readonly ports: {
    readonly at?: string;
    readonly diag?: string;
    readonly edl?: string;
    readonly bhi?: string;
  };
}

const hex4 = (n: number): string => n.toString(16).padStart(4, '0');
const dev = (tty: string | undefined): string | undefined => (tty ? `/dev/${tty}` : undefined);

function usbModem(d: SysfsUsbDevice): ListedModem {
  const ttys = normalModeTtys(d);
  const at = dev(ttys.at);
  const diag = dev(ttys.diag);
  const edl = dev(d.interfaces.find((i) => i.tty)?.tty);
  return {
    handle: `usb:${d.path}`,
    bus: 'usb',
    mode: d.mode,
    port: d.path,
    peer: d.peer ?? null,
    id: `${hex4(d.vid)}:${hex4(d.pid)}`,
    serial: d.serial ?? (d.mode === 'edl' ? serialFromProduct(d.product) : undefined) ?? null,
    identity: d.product ?? null,
    ports:
      d.mode === 'edl'
        ? { ...(edl ? { edl } : {}) }
        : { ...(at ? { at } : {}), ...(diag ? { diag } : {}) },
  };
}

/** Every modem in `listing`, USB first, by port. */
export function listedModems(listing: DeviceListing): ListedModem[] {
  const pcie = groupPciePorts(listing.pcie).map((p): ListedModem => {
    const mode = pcieModemState(p);
    const handle = (mode === 'normal' ? p.at : p.edl) ?? p.at ?? p.edl ?? p.diag ?? p.bhi ?? '';
    return {
      handle,
      bus: 'pcie',
      mode,
      port: null,
      peer: null,
      id: null,
      serial: null,
      identity: `PCIe module ${p.index} (${p.driver === 'wwan' ? 'upstream wwan driver' : "Quectel's pcie_mhi driver"})`,
      ports: {
        ...(p.at ? { at: p.at } : {}),
        ...(p.diag ? { diag: p.diag } : {}),
        ...(p.edl ? { edl: p.edl } : {}),
        ...(p.bhi ? { bhi: p.bhi } : {}),
      },
    };
  });
  return [...listing.usb.map(usbModem), ...pcie];
}

/** The modems as a table, one line each. */
export function renderModems(modems: readonly ListedModem[]): string[] {
  if (modems.length === 0) return ['Modems: none found'];
  const rows = modems.map((m) => [
    m.handle,
    m.mode,
    m.id ?? '',
    m.serial ?? '-',
    m.identity ?? '',
    Object.entries(m.ports)
      .map(([k, v]) => `${k.toUpperCase()} ${v}`)
      .join(', '),
  ]);
  const head = ['HANDLE (--device)', 'MODE', 'ID', 'SERIAL', 'IDENTITY', 'PORTS'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]): string =>
    `  ${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ')}`.trimEnd();
  return [
    'Modems (flash one with --device HANDLE, several by repeating it, every one with --all):',
    line(head),
    ...rows.map(line),
  ];
}
