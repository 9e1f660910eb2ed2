/**
 * Which device in a usbmon capture is the modem in EDL, and which of its endpoints carry the
 * session: by VID:PID from the enumeration the capture holds (GET_DESCRIPTOR replies), by an
 * explicit bus and address, or, for a capture started after the modem was plugged in, by the
 * Sahara HELLO its PBL sends first.
 *
 * @module
 */
import { CaptureError } from '../errors.js';
import {
  GET_DESCRIPTOR,
  parseConfiguration,
  parseDeviceDescriptor,
  type InterfaceDescriptor,
} from './usb-descriptors.js';
import { UsbTransferType, type UsbmonRecord } from './usbmon.js';

/** How to pick the device. */
export interface UsbmonDeviceSelection {
  /** Bus number (as in `usbmonN` and `lsusb`). */
  readonly bus?: number;
  /** Device address on that bus. */
  readonly address?: number;
  /** @default 0x05c6 */
  readonly vendorId?: number;
  /** @default 0x9008 */
  readonly productId?: number;
}

/** The device the session was captured from. */
export interface UsbmonDevice {
  readonly bus: number;
  readonly address: number;
  readonly vendorId: number | undefined;
  readonly productId: number | undefined;
  readonly inEndpoint: number;
  readonly outEndpoint: number;
  /** wMaxPacketSize of the bulk endpoints, when the configuration descriptor was captured. */
  readonly maxPacket: number | undefined;
  readonly identifiedBy: 'enumeration' | 'bus and address' | 'Sahara HELLO';
}

interface Seen {
  vendorId?: number;
  productId?: number;
  interfaces?: InterfaceDescriptor[];
  bulk: Map<number, number>;
  firstIn?: Uint8Array;
}

const key = (bus: number, address: number): string => `${bus}.${address}`;
const hex4 = (n: number | undefined): string =>
  n === undefined ? '?' : n.toString(16).padStart(4, '0');

/** What each device on the capture's buses said about itself and which bulk endpoints it used. */
function survey(records: Iterable<UsbmonRecord>): Map<string, Seen> {
  const devices = new Map<string, Seen>();
  const requests = new Map<bigint, number>();
  const seen = (r: UsbmonRecord): Seen => {
    const k = key(r.bus, r.device);
    let s = devices.get(k);
    if (!s) devices.set(k, (s = { bulk: new Map() }));
    return s;
  };
  for (const r of records) {
    if (r.device === 0) continue; // before SET_ADDRESS: the address is not the device's yet
    if (r.transferType === UsbTransferType.CONTROL) {
      const setup = r.setup;
      if (r.event === 'S' && setup?.[0] === GET_DESCRIPTOR.requestType && setup[1] === 6)
        requests.set(r.id, setup[3] ?? 0);
      else if (r.event === 'C' && requests.has(r.id)) {
        const type = requests.get(r.id);
        requests.delete(r.id);
        const device = type === GET_DESCRIPTOR.device ? parseDeviceDescriptor(r.data) : undefined;
        if (device) Object.assign(seen(r), device);
        if (type === GET_DESCRIPTOR.configuration && r.data.length > 9)
          seen(r).interfaces = parseConfiguration(r.data);
      }
    } else if (r.transferType === UsbTransferType.BULK) {
      const s = seen(r);
      s.bulk.set(r.endpoint, (s.bulk.get(r.endpoint) ?? 0) + 1);
      if (r.event === 'C' && r.endpoint & 0x80 && r.data.length > 0) s.firstIn ??= r.data;
    }
  }
  return devices;
}

const isHello = (d: Uint8Array | undefined): boolean =>
  d !== undefined && d.length >= 8 && d[0] === 1 && d[1] === 0 && d[4] === 0x30 && d[5] === 0;

/** Picks the EDL device and its bulk endpoints. */
export function selectUsbmonDevice(
  records: Iterable<UsbmonRecord>,
  select: UsbmonDeviceSelection = {},
): UsbmonDevice {
  const devices = survey(records);
  const vendorId = select.vendorId ?? 0x05c6;
  const productId = select.productId ?? 0x9008;
  let chosen: [string, Seen, UsbmonDevice['identifiedBy']] | undefined;
  if (select.bus !== undefined && select.address !== undefined) {
    const k = key(select.bus, select.address);
    chosen = [k, devices.get(k) ?? { bulk: new Map() }, 'bus and address'];
  } else {
    const byId = [...devices].filter(
      ([, s]) => s.vendorId === vendorId && s.productId === productId,
    );
    const byHello = [...devices].filter(([, s]) => s.vendorId === undefined && isHello(s.firstIn));
    const listed = (list: [string, Seen][]): string => list.map(([k]) => k).join(', ');
    if (byId.length > 1)
      throw new CaptureError(
        'QFH_CAPTURE_AMBIGUOUS',
        `${byId.length} devices enumerated as ${hex4(vendorId)}:${hex4(productId)} (bus.address ${listed(byId)}): name one with its bus and address`,
      );
    if (byId[0]) chosen = [...byId[0], 'enumeration'];
    else if (byHello.length === 1 && byHello[0]) chosen = [...byHello[0], 'Sahara HELLO'];
    else {
      const withBulk = [...devices].filter(([, s]) => s.bulk.size > 0);
      throw new CaptureError(
        'QFH_CAPTURE_NO_DEVICE',
        `no ${hex4(vendorId)}:${hex4(productId)} device in the capture (devices with bulk traffic: ${withBulk.map(([k, s]) => `${k} ${hex4(s.vendorId)}:${hex4(s.productId)}`).join(', ') || 'none'})`,
      );
    }
  }
  const [k, seen, identifiedBy] = chosen;
  const [bus, address] = k.split('.').map(Number) as [number, number];
  return { bus, address, ...endpointsOf(k, seen), identifiedBy };
}

function endpointsOf(
  k: string,
  seen: Seen,
): Pick<UsbmonDevice, 'vendorId' | 'productId' | 'inEndpoint' | 'outEndpoint' | 'maxPacket'> {
  const bulkOf = (i: InterfaceDescriptor): InterfaceDescriptor['endpoints'] =>
    i.endpoints.filter((e) => e.transferType === 2);
  const described = (seen.interfaces ?? [])
    .filter((i) => bulkOf(i).length === 2)
    .sort((a, b) => Number(b.interfaceClass === 0xff) - Number(a.interfaceClass === 0xff))[0];
  const fromTraffic = [...seen.bulk.keys()];
  const ins = described
    ? bulkOf(described).filter((e) => e.address & 0x80)
    : fromTraffic.filter((e) => e & 0x80);
  const outs = described
    ? bulkOf(described).filter((e) => !(e.address & 0x80))
    : fromTraffic.filter((e) => !(e & 0x80));
  if (ins.length !== 1 || outs.length !== 1)
    throw new CaptureError(
      'QFH_CAPTURE_NO_DEVICE',
      `device ${k} has ${ins.length} bulk IN and ${outs.length} bulk OUT endpoints in the capture; the EDL session needs exactly one each way`,
    );
  const address = (e: number | { address: number }): number =>
    typeof e === 'number' ? e : e.address;
  const inEp = ins[0] as number | { address: number; maxPacket: number };
  return {
    vendorId: seen.vendorId,
    productId: seen.productId,
    inEndpoint: address(inEp),
    outEndpoint: address(outs[0] as number | { address: number }),
    maxPacket: typeof inEp === 'number' ? undefined : inEp.maxPacket,
  };
}
