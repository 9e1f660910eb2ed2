/**
 * A fake of the npm `usb` module (legacy API) in front of simulated modems, so qfh's real
 * usb backend runs against the simulator: descriptors as real EDL devices enumerate
 * (05c6:9008, one ff/ff/proto interface, bulk 0x81/0x01 of 512 bytes), a kernel driver
 * (qcserial) that must be detached before claiming, per-transfer timeouts with libusb's
 * semantics (0 = forever), transfer-status errors (timed out, stall, no device, overflow),
 * and a record of every OUT transfer's size so ZLP behaviour can be checked. Each modem sits
 * on a physical port (`1-1.4`: bus 1, hub port 1, its port 4) that it keeps across
 * re-enumeration, as a real one does; its device address is new at every enumeration.
 *
 * @module
 */
import { EventEmitter } from 'node:events';
import {
  LIBUSB,
  type UsbDeviceLike,
  type UsbErrorLike,
  type UsbInterfaceLike,
  type UsbModuleLike,
} from '../transport/usb-api.js';
import { FakeInEndpoint, FakeOutEndpoint, usbError } from './fake-usb-endpoints.js';
import type { SimulatedModem } from './modem.js';
import type { SimLink } from './sim-transport.js';

export { FakeInEndpoint, FakeOutEndpoint } from './fake-usb-endpoints.js';

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
  /**
   * The `usb` 2.18.0 prebuild's defect (libusb without timerfd, an idle bus): a libusb
   * transfer timeout fires no earlier than this many ms (58–60 s measured). Cancelling a
   * transfer still completes at once.
   */
  lateTimeoutsMs?: number;
  /**
   * The physical port of each modem, by index (`1-1.4`, as Linux names it).
   * @default `1-N.4` for the Nth modem
   */
  ports?: readonly string[];
  /**
   * Where each modem enumerates in EDL when that is another port: a modem on a SuperSpeed
   * port comes back on the port's high-speed twin (another bus) as 05c6:9008.
   */
  edlPorts?: readonly (string | undefined)[];
  /**
   * After a device leaves the bus, control transfers on its open handle still succeed for
   * this many ms: a hub that reports the disconnect late. @default 0
   */
  departureNoticedAfterMs?: number;
}

/** Bus number and port chain of a port path such as `1-1.4`. */
export function parsePortPath(path: string): { busNumber: number; portNumbers: number[] } {
  const m = /^(\d+)-(\d+(?:\.\d+)*)$/.exec(path);
  if (!m) throw new RangeError(`"${path}" is not a USB port path such as 1-1.4`);
  return { busNumber: Number(m[1]), portNumbers: (m[2] ?? '').split('.').map(Number) };
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
  private nextAddress = 11;

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
          const home = this.options.ports?.[i] ?? `1-${i + 1}.4`;
          const edlPort = modem.state === 'edl' ? this.options.edlPorts?.[i] : undefined;
          const port = parsePortPath(edlPort ?? home);
          device = new FakeUsbDevice(this, modem, { ...port, address: this.nextAddress++ });
          this.devices.set(modem, device);
        }
        return device;
      })
      .filter((d): d is FakeUsbDevice => d !== undefined);
  }

  /** How the host machine treats the devices. */
  get hostOptions(): FakeUsbOptions {
    return this.options;
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
  readonly busNumber: number;
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
  private readonly inFlight = new Set<{ cancel(): boolean }>();
  /** wMaxPacketSize of the EDL bulk endpoints (the profile's, or 512). */
  readonly packetSize: number;
  kernelDriverActive: boolean;

  readonly options: FakeUsbOptions;

  constructor(
    readonly owner: FakeUsb,
    readonly modem: SimulatedModem,
    at: { busNumber: number; portNumbers: readonly number[]; address: number },
  ) {
    const options = owner.hostOptions;
    this.options = options;
    const id = modem.usbId ?? { vid: 0, pid: 0 };
    this.busNumber = at.busNumber;
    this.deviceAddress = at.address;
    this.portNumbers = at.portNumbers;
    const vid = modem.state === 'edl' && options.edlVid !== undefined ? options.edlVid : id.vid;
    this.deviceDescriptor = { idVendor: vid, idProduct: id.pid, iProduct: 2, iSerialNumber: 0 };
    this.kernelDriverActive = !options.noKernelDriver;
    this.packetSize = modem.profile.usb.edlPacketSize ?? 512;
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

  /** Keeps `transfer` until its completion calls the returned function. */
  track(transfer: { cancel(): boolean }): () => void {
    this.inFlight.add(transfer);
    return () => this.inFlight.delete(transfer);
  }

  close(): void {
    // libusb cancels what is still in flight when a handle closes (LIBUSB_TRANSFER_CANCELLED).
    for (const t of [...this.inFlight]) t.cancel();
    void this.link?.close();
    this.link = undefined;
    this.interfaces = undefined;
  }

  getStringDescriptor(
    index: number,
    callback: (error: UsbErrorLike | undefined, value?: string) => void,
  ): void {
    const serial = this.modem.profile.sahara.serial.toString(16).toUpperCase().padStart(8, '0');
    // A control transfer on a handle whose device left the bus fails, as libusb's does.
    const left = this.link?.closedAt;
    if (
      left !== undefined &&
      performance.now() - left >= (this.options.departureNoticedAfterMs ?? 0)
    ) {
      setImmediate(() => callback(usbError(LIBUSB.ERROR_NO_DEVICE, 'LIBUSB_ERROR_NO_DEVICE')));
      return;
    }
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

  attachKernelDriver(): void {
    if (this.claimed) throw usbError(LIBUSB.ERROR_BUSY, 'LIBUSB_ERROR_BUSY');
    if (!this.device.modem.usbId) throw usbError(LIBUSB.ERROR_NO_DEVICE, 'LIBUSB_ERROR_NO_DEVICE');
    this.device.kernelDriverActive = true;
  }

  /** Whether claim() succeeded (for tests). */
  get isClaimed(): boolean {
    return this.claimed;
  }
}
