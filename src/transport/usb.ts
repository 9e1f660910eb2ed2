/**
 * The libusb backend, through the npm `usb` package's legacy API (2.x). Loaded lazily:
 * nothing native is imported until {@link loadUsbModule} runs. EDL devices are found by
 * vendor ID (05c6 plus any the user adds) and a vendor-specific interface (ff/ff with
 * protocol ff, 10, 11 or 13), never by a product-ID list. Every transfer has a deadline qfh
 * enforces itself (usb-transfer.ts: the package's default is to wait forever, and its
 * prebuilt libusb fires timeouts late); a write that ends on a packet boundary is followed
 * by a zero-length packet; large writes keep several OUT transfers in flight; a kernel
 * driver detached to claim the interface is attached again on close.
 *
 * @module
 */
import { DeviceNotFoundError, TransportClosedError } from '../errors.js';
import type { ReadOptions, Transport, WriteOptions } from './transport.js';
import {
  type UsbDeviceLike,
  type UsbInEndpointLike,
  type UsbInterfaceLike,
  type UsbModuleLike,
  type UsbOutEndpointLike,
} from './usb-api.js';
import { departureOr, usbError } from './usb-errors.js';
import { transferIn, transferOut } from './usb-transfer.js';

export { usbError } from './usb-errors.js';

/** Qualcomm's vendor ID, under which every EDL (9008) device enumerates. */
export const QUALCOMM_VID = 0x05c6;
/** bInterfaceProtocol values of EDL interfaces seen on real devices (research/captures.md §1.2). */
export const EDL_INTERFACE_PROTOCOLS: readonly number[] = [0xff, 0x10, 0x11, 0x13];

export { loadUsbModule } from './load-usb.js';

/** An EDL device found on the bus. */
export interface EdlDevice {
  readonly device: UsbDeviceLike;
  readonly vid: number;
  readonly pid: number;
  /** `bus-port.port`, as Linux names it in /sys/bus/usb/devices. */
  readonly path: string;
  readonly interfaceNumber: number;
  readonly interfaceProtocol: number;
}

const hex4 = (n: number): string => n.toString(16).padStart(4, '0');

/** The zero-length packet that completes a write ending on a packet boundary. */
const ZLP = new Uint8Array(0);

/** Lists EDL devices: vendor 05c6 (or `extraVids`) with a vendor EDL interface. */
export function findEdlDevices(
  module: UsbModuleLike,
  extraVids: readonly number[] = [],
): EdlDevice[] {
  const vids = new Set([QUALCOMM_VID, ...extraVids]);
  const out: EdlDevice[] = [];
  for (const device of module.getDeviceList()) {
    const d = device.deviceDescriptor;
    if (!vids.has(d.idVendor)) continue;
    const candidates = device.configDescriptor?.interfaces.flat() ?? [];
    const edl = candidates.find(
      (i) =>
        i.bInterfaceClass === 0xff &&
        i.bInterfaceSubClass === 0xff &&
        EDL_INTERFACE_PROTOCOLS.includes(i.bInterfaceProtocol),
    );
    if (!edl) continue;
    out.push({
      device,
      vid: d.idVendor,
      pid: d.idProduct,
      path: `${device.busNumber}-${device.portNumbers.join('.')}`,
      interfaceNumber: edl.bInterfaceNumber,
      interfaceProtocol: edl.bInterfaceProtocol,
    });
  }
  return out;
}

/** The serial in an EDL device's iProduct string (`QUSB_BULK_CID:0404_SN:3EB3EBC4`), if any. */
export function serialFromProduct(product: string | undefined): string | undefined {
  return /_SN:([0-9A-Fa-f]+)/.exec(product ?? '')?.[1]?.toUpperCase();
}

/** Options for {@link openUsbTransport}. */
export interface UsbTransportOptions {
  /** Called with what qfh did that the user should know (kernel driver detached). */
  onNotice?: (message: string) => void;
  /** OUT transfers kept in flight for a large write. @default 4 */
  inFlight?: number;
  /** Size of each OUT transfer of a large write. @default 65536 */
  transferSize?: number;
}

function stringDescriptor(device: UsbDeviceLike, index: number): Promise<string | undefined> {
  if (index === 0) return Promise.resolve(undefined);
  return new Promise((resolve) =>
    device.getStringDescriptor(index, (e, value) => resolve(e ? undefined : value)),
  );
}

/** Opens an EDL device: reads its serial, detaches the kernel driver, claims the interface. */
export async function openUsbTransport(
  found: EdlDevice,
  options: UsbTransportOptions = {},
): Promise<UsbTransport> {
  const { device } = found;
  const name = `usb ${found.path} ${hex4(found.vid)}:${hex4(found.pid)}`;
  try {
    device.open();
  } catch (e) {
    throw usbError(e, `${name}: open`);
  }
  const serial = serialFromProduct(
    await stringDescriptor(device, device.deviceDescriptor.iProduct),
  );
  const iface = device.interfaces?.find((i) => i.interfaceNumber === found.interfaceNumber);
  if (!iface) {
    device.close();
    throw new DeviceNotFoundError(
      'QFH_NO_DEVICE',
      `${name} has no interface ${found.interfaceNumber}`,
    );
  }
  let detached = false;
  try {
    try {
      detached = iface.isKernelDriverActive();
    } catch {
      detached = false; // not supported on this platform
    }
    if (detached) {
      iface.detachKernelDriver();
      options.onNotice?.(
        `detached the kernel driver (qcserial) from interface ${found.interfaceNumber} of ${name}; qfh attaches it again when done`,
      );
    }
    iface.claim();
  } catch (e) {
    device.close();
    throw usbError(e, `${name}: claim interface ${found.interfaceNumber}`);
  }
  const input = iface.endpoints.find((e): e is UsbInEndpointLike => e.direction === 'in');
  const output = iface.endpoints.find((e): e is UsbOutEndpointLike => e.direction === 'out');
  if (!input || !output) {
    device.close();
    throw new DeviceNotFoundError(
      'QFH_NO_DEVICE',
      `${name} interface ${found.interfaceNumber} lacks bulk IN/OUT endpoints`,
    );
  }
  return new UsbTransport(
    `${name}${serial ? ` SN:${serial}` : ''}`,
    { device, iface, input, output, detached },
    serial,
    options,
  );
}

/** The opened device and what qfh changed on it. */
export interface ClaimedInterface {
  readonly device: UsbDeviceLike;
  readonly iface: UsbInterfaceLike;
  readonly input: UsbInEndpointLike;
  readonly output: UsbOutEndpointLike;
  /** A kernel driver was detached to claim it (attached again on close). */
  readonly detached: boolean;
}

/** A claimed EDL interface. */
export class UsbTransport implements Transport {
  private pending: Uint8Array = new Uint8Array(0);
  private closed = false;

  constructor(
    readonly description: string,
    private readonly claimed: ClaimedInterface,
    /** Chip serial from the iProduct string. */
    readonly serial: string | undefined,
    private readonly options: UsbTransportOptions,
  ) {
    this.readWhere = `${description}: read`;
    this.writeWhere = `${description}: write`;
  }

  /** How transfer errors name this device, built once rather than per transfer. */
  private readonly readWhere: string;
  private readonly writeWhere: string;

  private get packet(): number {
    return this.claimed.input.descriptor.wMaxPacketSize || 512;
  }

  async read(maxBytes: number, options: ReadOptions): Promise<Uint8Array> {
    if (this.closed) throw new TransportClosedError(`${this.description}: closed`);
    if (this.pending.length > 0) {
      const out = this.pending.subarray(0, maxBytes);
      this.pending = this.pending.subarray(out.length);
      return out;
    }
    // Ask for whole packets: a short buffer overflows when a full packet arrives.
    const request = Math.max(this.packet, Math.ceil(maxBytes / this.packet) * this.packet);
    let data: Uint8Array;
    try {
      data = await transferIn(this.claimed.input, request, {
        timeoutMs: options.timeoutMs,
        signal: options.signal,
        where: this.readWhere,
      });
    } catch (e) {
      throw await departureOr(e, this.claimed.device);
    }
    if (data.length <= maxBytes) return data;
    this.pending = data.subarray(maxBytes);
    return data.subarray(0, maxBytes);
  }

  private transfer(piece: Uint8Array, timeoutMs: number): Promise<void> {
    return transferOut(this.claimed.output, piece, { timeoutMs, where: this.writeWhere });
  }

  async write(data: Uint8Array, options: WriteOptions): Promise<void> {
    if (this.closed) throw new TransportClosedError(`${this.description}: closed`);
    const size = this.options.transferSize ?? 65536;
    const window = this.options.inFlight ?? 4;
    const inFlight: Promise<void>[] = [];
    try {
      for (let at = 0; at < data.length; at += size) {
        const transfer = this.transfer(data.subarray(at, at + size), options.timeoutMs);
        // Handled here so a failure behind the one being awaited is not an unhandled rejection.
        transfer.catch(() => undefined);
        inFlight.push(transfer);
        if (inFlight.length >= window) await inFlight.shift();
      }
      await Promise.all(inFlight);
      // A transfer that ends on a packet boundary is only complete for the device after a ZLP.
      if (data.length > 0 && data.length % this.packet === 0)
        await this.transfer(ZLP, options.timeoutMs);
    } catch (e) {
      throw await departureOr(e, this.claimed.device);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const { device, iface, detached } = this.claimed;
    await new Promise<void>((resolve) => iface.release(() => resolve()));
    try {
      if (detached) {
        iface.attachKernelDriver();
        this.options.onNotice?.(`attached the kernel driver again to ${this.description}`);
      }
    } catch {
      // gone from the bus (reset after a flash): the driver binds when it re-enumerates
    }
    try {
      device.close();
    } catch {
      // already gone from the bus
    }
  }
}
