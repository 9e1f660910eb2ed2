/**
 * A fake of the npm `usb` module (legacy API) in front of simulated modems, so qfh's real
 * usb backend runs against the simulator: descriptors as real EDL devices enumerate
 * (05c6:9008, one ff/ff/proto interface, bulk 0x81/0x01 of 512 bytes), a kernel driver
 * (qcserial) that must be detached before claiming, per-transfer timeouts with libusb's
 * semantics (0 = forever), transfer-status errors (timed out, stall, no device, overflow),
 * and a record of every OUT transfer's size so ZLP behaviour can be checked.
 *
 * @module
 */
import { EventEmitter } from 'node:events';
import { TransportClosedError, TransportTimeoutError } from '../errors.js';
import {
  LIBUSB,
  type UsbDeviceLike,
  type UsbErrorLike,
  type UsbInEndpointLike,
  type UsbInterfaceLike,
  type UsbModuleLike,
  type UsbOutEndpointLike,
} from '../transport/usb-api.js';
import type { SimulatedModem } from './modem.js';
import type { SimLink } from './sim-transport.js';

const PACKET = 512;

/** How the host machine treats the fake device. */
export interface FakeUsbOptions {
  /** The user may not open the device (no udev rule): open() fails with LIBUSB_ERROR_ACCESS. */
  accessDenied?: boolean;
  /** No kernel driver bound (qcserial absent or already unbound). @default false */
  noKernelDriver?: boolean;
  /** Every OUT transfer stalls (LIBUSB_TRANSFER_STALL). */
  stallOut?: boolean;
  /** Another program has claimed the interface: claim() fails with LIBUSB_ERROR_BUSY even after detaching. */
  claimedElsewhere?: boolean;
  /** Enumerate EDL devices under this vendor ID instead of 05c6 (some OEMs do). */
  edlVid?: number;
}

function usbError(errno: number, message: string): UsbErrorLike {
  return Object.assign(new Error(message), { errno });
}

/** The fake module over a set of modems. */
export class FakeUsb implements UsbModuleLike {
  readonly usb = new EventEmitter();
  /** Sizes of every OUT transfer, per device, in order (0 = a ZLP). */
  readonly outTransfers = new Map<SimulatedModem, number[]>();
  /** Most OUT transfers pending at once, on any device. */
  maxOutInFlight = 0;
  outInFlight = 0;
  private readonly devices = new Map<SimulatedModem, FakeUsbDevice>();

  constructor(
    private readonly modems: readonly SimulatedModem[],
    private readonly options: FakeUsbOptions = {},
  ) {
    for (const modem of modems) {
      modem.onStateChange(() => {
        const before = this.devices.get(modem);
        if (modem.usbId) {
          const device = this.getDeviceList().find((d) => (d as FakeUsbDevice).modem === modem);
          if (device) this.usb.emit('attach', device);
        } else if (before) {
          this.devices.delete(modem);
          this.usb.emit('detach', before);
        }
      });
    }
  }

  getDeviceList(): UsbDeviceLike[] {
    return this.modems
      .map((modem, i) => {
        const id = modem.usbId;
        if (!id) return undefined;
        let device = this.devices.get(modem);
        if (!device || device.deviceDescriptor.idProduct !== id.pid) {
          device = new FakeUsbDevice(this, modem, i + 1, this.options);
          this.devices.set(modem, device);
        }
        return device;
      })
      .filter((d): d is FakeUsbDevice => d !== undefined);
  }

  /** Records an OUT transfer (for tests). */
  recordOut(modem: SimulatedModem, length: number): void {
    const list = this.outTransfers.get(modem) ?? [];
    list.push(length);
    this.outTransfers.set(modem, list);
  }
}

/** One enumerated device. */
export class FakeUsbDevice implements UsbDeviceLike {
  readonly busNumber = 1;
  readonly deviceAddress: number;
  readonly portNumbers: readonly number[];
  readonly deviceDescriptor: {
    idVendor: number;
    idProduct: number;
    iProduct: number;
    iSerialNumber: number;
  };
  interfaces: FakeUsbInterface[] | undefined;
  private link: SimLink | undefined;
  kernelDriverActive: boolean;

  constructor(
    readonly owner: FakeUsb,
    readonly modem: SimulatedModem,
    port: number,
    readonly options: FakeUsbOptions,
  ) {
    const id = modem.usbId ?? { vid: 0, pid: 0 };
    this.deviceAddress = 10 + port;
    this.portNumbers = [port, 4];
    const vid = modem.state === 'edl' && options.edlVid !== undefined ? options.edlVid : id.vid;
    this.deviceDescriptor = { idVendor: vid, idProduct: id.pid, iProduct: 2, iSerialNumber: 0 };
    this.kernelDriverActive = !options.noKernelDriver;
    const edl = modem.state === 'edl';
    const protocols = edl ? [modem.profile.usb.edlInterfaceProtocol] : [0xff, 0, 0, 0, 0xff];
    this.configDescriptor = {
      interfaces: protocols.map((p, n) => [
        {
          bInterfaceNumber: n,
          bInterfaceClass: 0xff,
          bInterfaceSubClass: edl || p === 0xff ? 0xff : 0,
          bInterfaceProtocol: p,
        },
      ]),
    };
  }

  readonly configDescriptor: {
    interfaces: {
      bInterfaceNumber: number;
      bInterfaceClass: number;
      bInterfaceSubClass: number;
      bInterfaceProtocol: number;
    }[][];
  };

  open(): void {
    if (this.options.accessDenied) throw usbError(LIBUSB.ERROR_ACCESS, 'LIBUSB_ERROR_ACCESS');
    if (!this.modem.usbId) throw usbError(LIBUSB.ERROR_NO_DEVICE, 'LIBUSB_ERROR_NO_DEVICE');
    this.link = this.modem.connect();
    this.interfaces = this.configDescriptor.interfaces.map(
      ([d], n) => new FakeUsbInterface(this, n, d?.bInterfaceProtocol ?? 0),
    );
  }

  close(): void {
    void this.link?.close();
    this.link = undefined;
    this.interfaces = undefined;
  }

  getStringDescriptor(
    index: number,
    callback: (error: UsbErrorLike | undefined, value?: string) => void,
  ): void {
    const serial = this.modem.profile.sahara.serial.toString(16).toUpperCase().padStart(8, '0');
    setImmediate(() =>
      callback(
        undefined,
        index === 2
          ? this.modem.state === 'edl'
            ? `QUSB_BULK_CID:0404_SN:${serial}`
            : this.modem.profile.module
          : index === 1
            ? 'Qualcomm CDMA Technologies MSM'
            : '',
      ),
    );
  }

  /** The open link (after open()). */
  get openLink(): SimLink {
    if (!this.link) throw usbError(LIBUSB.ERROR_NO_DEVICE, 'device not open');
    return this.link;
  }
}

/** One interface; every interface of the fake talks to the device's single link. */
export class FakeUsbInterface implements UsbInterfaceLike {
  readonly descriptor: {
    bInterfaceClass: number;
    bInterfaceSubClass: number;
    bInterfaceProtocol: number;
  };
  readonly endpoints: (FakeInEndpoint | FakeOutEndpoint)[];
  private claimed = false;

  constructor(
    private readonly device: FakeUsbDevice,
    readonly interfaceNumber: number,
    protocol: number,
  ) {
    this.descriptor = {
      bInterfaceClass: 0xff,
      bInterfaceSubClass: protocol === 0 ? 0 : 0xff,
      bInterfaceProtocol: protocol,
    };
    this.endpoints = [
      new FakeInEndpoint(device, 0x81 + interfaceNumber),
      new FakeOutEndpoint(device, 0x01 + interfaceNumber),
    ];
  }

  claim(): void {
    if (this.device.kernelDriverActive || this.device.options.claimedElsewhere)
      throw usbError(LIBUSB.ERROR_BUSY, 'LIBUSB_ERROR_BUSY');
    this.claimed = true;
  }

  release(callback?: (error?: UsbErrorLike) => void): void {
    this.claimed = false;
    setImmediate(() => callback?.());
  }

  isKernelDriverActive(): boolean {
    return this.device.kernelDriverActive;
  }

  detachKernelDriver(): void {
    this.device.kernelDriverActive = false;
  }

  /** Whether claim() succeeded (for tests). */
  get isClaimed(): boolean {
    return this.claimed;
  }
}

function transferError(e: unknown): UsbErrorLike {
  if (e instanceof TransportTimeoutError)
    return usbError(LIBUSB.TRANSFER_TIMED_OUT, 'LIBUSB_TRANSFER_TIMED_OUT');
  if (e instanceof TransportClosedError)
    return usbError(LIBUSB.TRANSFER_NO_DEVICE, 'LIBUSB_TRANSFER_NO_DEVICE');
  return usbError(LIBUSB.TRANSFER_ERROR, `LIBUSB_TRANSFER_ERROR: ${(e as Error).message}`);
}

/** Bulk IN 0x81: a transfer completes with one device transfer (a short packet ends it). */
export class FakeInEndpoint implements UsbInEndpointLike {
  readonly direction = 'in' as const;
  readonly descriptor;
  timeout = 0;

  constructor(
    private readonly device: FakeUsbDevice,
    address: number,
  ) {
    this.descriptor = { bEndpointAddress: address, bmAttributes: 2, wMaxPacketSize: PACKET };
  }

  transfer(
    length: number,
    callback: (error: UsbErrorLike | undefined, data?: Buffer) => void,
  ): this {
    let link: SimLink;
    try {
      link = this.device.openLink;
    } catch (e) {
      setImmediate(() => callback(e as UsbErrorLike));
      return this;
    }
    // A request that is not whole packets overflows when a full packet arrives (libusb).
    const limit = length % PACKET === 0 ? length : length + 1;
    link
      .read(limit, { timeoutMs: this.timeout === 0 ? 2 ** 31 - 1 : this.timeout })
      .then((data) => {
        if (data.length > length)
          callback(usbError(LIBUSB.TRANSFER_OVERFLOW, 'LIBUSB_TRANSFER_OVERFLOW'));
        else callback(undefined, Buffer.from(data));
      })
      .catch((e: unknown) => callback(transferError(e)));
    return this;
  }
}

/** Bulk OUT 0x01: records transfer sizes; the device takes the bytes as they come. */
export class FakeOutEndpoint implements UsbOutEndpointLike {
  readonly direction = 'out' as const;
  readonly descriptor;
  timeout = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly device: FakeUsbDevice,
    address: number,
  ) {
    this.descriptor = { bEndpointAddress: address, bmAttributes: 2, wMaxPacketSize: PACKET };
  }

  transfer(
    buffer: Buffer,
    callback?: (error: UsbErrorLike | undefined, actual: number) => void,
  ): this {
    const device = this.device;
    device.owner.recordOut(device.modem, buffer.length);
    let link: SimLink;
    try {
      link = device.openLink;
    } catch (e) {
      setImmediate(() => callback?.(e as UsbErrorLike, 0));
      return this;
    }
    if (device.options.stallOut) {
      setImmediate(() => callback?.(usbError(LIBUSB.TRANSFER_STALL, 'LIBUSB_TRANSFER_STALL'), 0));
      return this;
    }
    if (buffer.length === 0) {
      setImmediate(() => callback?.(undefined, 0));
      return this;
    }
    const owner = device.owner;
    owner.outInFlight++;
    owner.maxOutInFlight = Math.max(owner.maxOutInFlight, owner.outInFlight);
    // Transfers submitted together reach the device in submission order, as on the bus.
    this.queue = this.queue.then(() =>
      link
        .write(buffer, { timeoutMs: this.timeout === 0 ? 2 ** 31 - 1 : this.timeout })
        .then(() => callback?.(undefined, buffer.length))
        .catch((e: unknown) => callback?.(transferError(e), 0))
        .finally(() => owner.outInFlight--),
    );
    return this;
  }
}
