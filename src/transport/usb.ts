/**
 * The libusb backend, through the npm `usb` package's legacy API (2.x). Loaded lazily:
 * nothing native is imported until {@link loadUsbModule} runs. EDL devices are found by
 * vendor ID (05c6 plus any the user adds) and a vendor-specific interface (ff/ff with
 * protocol ff, 10, 11 or 13), never by a product-ID list. Every transfer carries a timeout
 * (the package's default is to wait forever); a write that ends on a packet boundary is
 * followed by a zero-length packet; large writes keep several OUT transfers in flight.
 *
 * @module
 */
import {
  DeviceNotFoundError,
  TransportClosedError,
  TransportError,
  TransportTimeoutError,
} from '../errors.js';
import type { ReadOptions, Transport, WriteOptions } from './transport.js';
import {
  LIBUSB,
  type UsbDeviceLike,
  type UsbErrorLike,
  type UsbInEndpointLike,
  type UsbInterfaceLike,
  type UsbModuleLike,
  type UsbOutEndpointLike,
} from './usb-api.js';

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

/** Maps a libusb error to qfh's error family, with what to do about it. */
export function usbError(e: unknown, where: string): TransportError {
  const errno = (e as UsbErrorLike | undefined)?.errno;
  const message = `${where}: ${(e as Error | undefined)?.message ?? String(e)}`;
  switch (errno) {
    case LIBUSB.TRANSFER_TIMED_OUT:
    case LIBUSB.ERROR_TIMEOUT:
      return new TransportTimeoutError(message, { cause: e });
    case LIBUSB.TRANSFER_NO_DEVICE:
    case LIBUSB.ERROR_NO_DEVICE:
      return new TransportClosedError(message, { cause: e, disconnected: true });
    case LIBUSB.ERROR_ACCESS:
      return new TransportError('QFH_TRANSPORT_ACCESS', message, {
        cause: e,
        hint: 'No permission to open the USB device. Run as root, or add a udev rule: SUBSYSTEM=="usb", ATTR{idVendor}=="05c6", ATTR{idProduct}=="9008", MODE="0660", GROUP="plugdev" (then replug).',
      });
    case LIBUSB.ERROR_BUSY:
      return new TransportError('QFH_TRANSPORT_BUSY', message, {
        cause: e,
        hint: 'Another program holds the modem. Stop ModemManager (systemctl stop ModemManager) and any flasher, or unbind qcserial: echo -n "<bus-port>:1.0" > /sys/bus/usb/drivers/qcserial/unbind.',
      });
    case LIBUSB.TRANSFER_STALL:
    case LIBUSB.ERROR_PIPE:
      return new TransportError('QFH_TRANSPORT_IO', message, {
        cause: e,
        hint: 'The device stalled the endpoint. Replug the modem (it returns to EDL) and try again.',
      });
    default:
      return new TransportError('QFH_TRANSPORT_IO', message, {
        cause: e,
        hint: 'USB I/O failed. Try another port or cable (avoid hubs), then replug the modem.',
      });
  }
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
  try {
    let active = false;
    try {
      active = iface.isKernelDriverActive();
    } catch {
      active = false; // not supported on this platform
    }
    if (active) {
      iface.detachKernelDriver();
      options.onNotice?.(
        `detached the kernel driver (qcserial) from interface ${found.interfaceNumber} of ${name}; it returns when the modem is replugged`,
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
    device,
    iface,
    input,
    output,
    serial,
    options,
  );
}

/** A claimed EDL interface. */
export class UsbTransport implements Transport {
  private pending: Uint8Array = new Uint8Array(0);
  private closed = false;

  constructor(
    readonly description: string,
    private readonly device: UsbDeviceLike,
    private readonly iface: UsbInterfaceLike,
    private readonly input: UsbInEndpointLike,
    private readonly output: UsbOutEndpointLike,
    /** Chip serial from the iProduct string. */
    readonly serial: string | undefined,
    private readonly options: UsbTransportOptions,
  ) {}

  private get packet(): number {
    return this.input.descriptor.wMaxPacketSize || 512;
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
    this.input.timeout = Math.max(1, Math.ceil(options.timeoutMs));
    const data = await new Promise<Buffer>((resolve, reject) =>
      this.input.transfer(request, (e, d) =>
        e ? reject(usbError(e, `${this.description}: read`)) : resolve(d ?? Buffer.alloc(0)),
      ),
    );
    if (data.length <= maxBytes) return data;
    this.pending = data.subarray(maxBytes);
    return data.subarray(0, maxBytes);
  }

  private transfer(piece: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) =>
      this.output.transfer(Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength), (e) =>
        e ? reject(usbError(e, `${this.description}: write`)) : resolve(),
      ),
    );
  }

  async write(data: Uint8Array, options: WriteOptions): Promise<void> {
    if (this.closed) throw new TransportClosedError(`${this.description}: closed`);
    this.output.timeout = Math.max(1, Math.ceil(options.timeoutMs));
    const size = this.options.transferSize ?? 65536;
    const window = this.options.inFlight ?? 4;
    const inFlight: Promise<void>[] = [];
    for (let at = 0; at < data.length; at += size) {
      const transfer = this.transfer(data.subarray(at, at + size));
      // Handled here so a failure behind the one being awaited is not an unhandled rejection.
      transfer.catch(() => undefined);
      inFlight.push(transfer);
      if (inFlight.length >= window) await inFlight.shift();
    }
    await Promise.all(inFlight);
    // A transfer that ends on a packet boundary is only complete for the device after a ZLP.
    if (data.length > 0 && data.length % this.packet === 0) await this.transfer(new Uint8Array(0));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await new Promise<void>((resolve) => this.iface.release(() => resolve()));
    try {
      this.device.close();
    } catch {
      // already gone from the bus
    }
  }
}
