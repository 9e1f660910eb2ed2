/**
 * Simulated modems plugged into the physical ports of a host, as the host sees them: a
 * sysfs-shaped listing (port path, IDs, product string, interfaces with the ttys the
 * option/qcserial drivers would bind), the fake `usb` module for EDL devices, and the ttys
 * themselves. A modem keeps its port when it re-enumerates (normal mode → 05c6:9008 → normal
 * mode), as a real one does; which one appears first is up to each modem's own timing. The
 * host's code finds, matches and opens devices through this exactly as it does through
 * /sys, /dev and libusb: nothing here knows which modem the host is looking for.
 *
 * @module
 */
import { TransportClosedError } from '../errors.js';
import type { DeviceListing, SysfsInterface, SysfsUsbDevice } from '../transport/sysfs-devices.js';
import type { Transport } from '../transport/transport.js';
import type { UsbModuleLike } from '../transport/usb-api.js';
import { FakeUsb, parsePortPath, type FakeUsbOptions } from './fake-usb.js';
import type { SimulatedModem } from './modem.js';
import type { SimLink } from './sim-transport.js';

/** A modem on a port. */
export interface SimulatedSlot {
  /** The physical port, as Linux names it (`1-1.4`). */
  readonly port: string;
  readonly modem: SimulatedModem;
  /**
   * The port it enumerates on in EDL when that is another one: the high-speed twin of a
   * SuperSpeed port (the kernel links the two as `port/peer`).
   */
  readonly edlPort?: string | undefined;
}

/** ttys per port: a Quectel module in normal mode binds four (DIAG, NMEA, AT, modem). */
const TTYS_PER_PORT = 4;

/** Interfaces of a Quectel module in normal mode: DIAG, NMEA, AT, modem (option), QMI. */
const NORMAL_INTERFACES: readonly (readonly [number, number, string, boolean])[] = [
  [0xff, 0xff, 'option', true],
  [0x00, 0x00, 'option', true],
  [0x00, 0x00, 'option', true],
  [0x00, 0x00, 'option', true],
  [0xff, 0xff, 'qmi_wwan', false],
];

/** Simulated modems on the host's ports. */
export class SimulatedBus {
  /** The fake `usb` module over the same modems and ports. */
  readonly usb: FakeUsb;
  private readonly normalLinks = new Map<SimulatedModem, SimLink>();

  constructor(
    readonly slots: readonly SimulatedSlot[],
    options: Omit<FakeUsbOptions, 'ports' | 'edlPorts'> = {},
  ) {
    for (const s of slots) [s.port, s.edlPort ?? s.port].forEach(parsePortPath);
    if (new Set(slots.map((s) => s.port)).size !== slots.length)
      throw new RangeError('two simulated modems on one port');
    this.usb = new FakeUsb(
      slots.map((s) => s.modem),
      { ...options, ports: slots.map((s) => s.port), edlPorts: slots.map((s) => s.edlPort) },
    );
  }

  /** What /sys/bus/usb/devices shows now (PCIe: none). */
  async listing(): Promise<DeviceListing> {
    await Promise.resolve();
    const usb = this.slots.flatMap((slot, index) => {
      const device = this.device(slot, index);
      return device ? [device] : [];
    });
    return { usb, pcie: [] };
  }

  /** The `usb` module, as libusb would show the same devices. */
  async usbModule(): Promise<UsbModuleLike> {
    await Promise.resolve();
    return this.usb;
  }

  /**
   * Opens a tty (`ttyUSB6`). In normal mode the DIAG and AT ttys of one modem share the
   * modem's one simulated link, so opening the second does not replug the first.
   */
  async openTty(name: string): Promise<Transport> {
    await Promise.resolve();
    const n = /^ttyUSB(\d+)$/.exec(name);
    const slot = n ? this.slots[Math.floor(Number(n[1]) / TTYS_PER_PORT)] : undefined;
    if (
      !slot ||
      this.device(slot, this.slots.indexOf(slot))?.interfaces.every((i) => i.tty !== name)
    )
      throw new TransportClosedError(`/dev/${name}: no such tty`, { disconnected: true });
    const { modem } = slot;
    if (modem.state !== 'normal') return modem.connect();
    const open = this.normalLinks.get(modem);
    if (open?.attached) return open;
    const link = modem.connect();
    this.normalLinks.set(modem, link);
    return link;
  }

  private device(slot: SimulatedSlot, index: number): SysfsUsbDevice | undefined {
    const { modem } = slot;
    const id = modem.usbId;
    if (!id) return undefined;
    const edl = modem.state === 'edl';
    const tty = (n: number): string => `ttyUSB${index * TTYS_PER_PORT + n}`;
    const serial = modem.profile.sahara.serial.toString(16).toUpperCase().padStart(8, '0');
    const interfaces: SysfsInterface[] = edl
      ? [
          {
            number: 0,
            class: 0xff,
            subclass: 0xff,
            protocol: modem.profile.usb.edlInterfaceProtocol,
            driver: 'qcserial',
            tty: tty(0),
          },
        ]
      : NORMAL_INTERFACES.map(([subclass, protocol, driver, hasTty], number) => ({
          number,
          class: 0xff,
          subclass,
          protocol,
          driver,
          tty: hasTty ? tty(number) : undefined,
        }));
    return {
      path: edl ? (slot.edlPort ?? slot.port) : slot.port,
      peer: slot.edlPort === undefined ? undefined : edl ? slot.port : slot.edlPort,
      vid: edl ? (this.usb.hostOptions.edlVid ?? id.vid) : id.vid,
      pid: id.pid,
      product: edl ? `QUSB_BULK_CID:0404_SN:${serial}` : modem.profile.module,
      serial: undefined,
      mode: edl ? 'edl' : 'normal',
      interfaces,
    };
  }
}
