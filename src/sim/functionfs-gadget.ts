/**
 * The simulated modem as a real USB device: a FunctionFS device program behind a configfs
 * gadget (05c6:9008, the EDL interface), so a host reaches it through the kernel's USB
 * stack (dummy_hcd, USB/IP, or a real device controller) exactly as it reaches a modem.
 *
 * Bus events map to the modem: the host configuring the device (ENABLE) attaches it, the
 * gadget leaving its UDC (UNBIND: the cable pulled) unplugs it, and binding again plugs it
 * back in EDL. When the modem leaves the bus by itself (reset, power off) the gadget
 * unbinds, and binds again when it returns in EDL. Transfers that end on a packet boundary
 * are followed by a zero-length packet, and the OUT side reads into a 1 MiB buffer, so it
 * needs the host's ZLPs as a real device does.
 * Each bulk endpoint holds one libuv thread-pool thread while the host has it enabled.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { createEdlGadget, listUdcs, type EdlGadget } from './configfs-gadget.js';
import {
  EDL_ENDPOINTS,
  edlDescriptors,
  edlStrings,
  FUNCTIONFS_EVENT_SIZE,
  parseFunctionFsEvents,
  type FunctionFsEvent,
} from './functionfs-descriptors.js';
import {
  closeFunctionFsFile,
  errnoOf,
  openFunctionFsFile,
  readInto,
  writeAll,
} from './functionfs-files.js';
import {
  pumpFromHost,
  pumpToHost,
  type BulkState,
  type FunctionFsCounters,
} from './functionfs-bulk.js';
import type { SimulatedModem } from './modem.js';
import type { SimLink } from './sim-transport.js';

/** Options for {@link serveFunctionFs}. */
export interface FunctionFsOptions {
  /** Where to mount the gadget's FunctionFS instance. */
  mountPoint: string;
  /** The UDC to bind to (a name in /sys/class/udc). @default the first one */
  udc?: string;
  /** Gadget name in configfs. @default 'qfh-edl' */
  name?: string;
  /** Told of bus events (bound, enabled, unplugged), for logs. */
  onEvent?: (message: string) => void;
}

export type { FunctionFsCounters } from './functionfs-bulk.js';

/** A served gadget. */
export interface FunctionFsGadget {
  readonly gadget: EdlGadget;
  readonly udc: string;
  readonly counters: Readonly<FunctionFsCounters>;
  /** Unbinds, stops the endpoint loops and removes the gadget. */
  close(): Promise<void>;
}

const EP0_POLL_MS = 20;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Serves `modem` as a USB gadget until `close()`. Linux, root, libcomposite + usb_f_fs. */
export async function serveFunctionFs(
  modem: SimulatedModem,
  options: FunctionFsOptions,
): Promise<FunctionFsGadget> {
  const udc = options.udc ?? (await listUdcs())[0];
  if (!udc)
    throw new UsageError('QFH_USAGE', 'no USB device controller in /sys/class/udc', {
      hint: 'Load a UDC driver (modprobe dummy_hcd for a virtual bus, or usbip-vudc), or name one with --udc.',
    });
  const serial = modem.profile.sahara.serial.toString(16).toUpperCase().padStart(8, '0');
  const gadget = await createEdlGadget({
    mountPoint: options.mountPoint,
    product: `QUSB_BULK_CID:0404_SN:${serial}`,
    ...(options.name ? { name: options.name } : {}),
  });
  try {
    const device = new GadgetDevice(modem, gadget, udc, options.onEvent);
    await device.start();
    return device;
  } catch (e) {
    await gadget.remove();
    throw e;
  }
}

class GadgetDevice implements FunctionFsGadget, BulkState {
  readonly counters: FunctionFsCounters = {
    transfersFromHost: 0,
    zlpsFromHost: 0,
    transfersToHost: 0,
    zlpsToHost: 0,
  };
  private ep0 = -1;
  private readonly files = new Map<'in' | 'out', number>();
  enabled = false;
  closing = false;
  sending = false;
  link: SimLink | undefined;
  packet = 512;
  /** Set while the gadget itself changes the modem's state, so the change is not echoed to the bus. */
  private steering = false;
  private wake: (() => void)[] = [];
  private loops: Promise<void>[] = [];

  constructor(
    private readonly modem: SimulatedModem,
    readonly gadget: EdlGadget,
    readonly udc: string,
    private readonly onEvent: ((message: string) => void) | undefined,
  ) {}

  async start(): Promise<void> {
    const dir = this.gadget.mountPoint;
    this.ep0 = await openFunctionFsFile(join(dir, 'ep0'));
    const protocol = this.modem.profile.usb.edlInterfaceProtocol;
    await writeAll(this.ep0, edlDescriptors({ interfaceProtocol: protocol }));
    await writeAll(this.ep0, edlStrings());
    for (const ep of EDL_ENDPOINTS)
      this.files.set(ep.direction, await openFunctionFsFile(join(dir, ep.file)));
    this.modem.onStateChange(() => void this.followModem());
    // A loop that fails leaves the device silent, as a crashed device would be; say why.
    const loops = [
      this.eventLoop(),
      pumpFromHost(this, this.files.get('out') ?? -1),
      pumpToHost(this, this.files.get('in') ?? -1),
    ];
    this.loops = loops.map((loop) =>
      loop.catch((e: unknown) => this.onEvent?.(`device side stopped: ${(e as Error).message}`)),
    );
    if (this.modem.state === 'edl') await this.gadget.bind(this.udc);
    this.onEvent?.(`bound to ${this.udc}`);
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    // Unbinding ends every transfer the kernel still holds for the endpoint files.
    await this.gadget.unbind().catch(() => undefined);
    this.changed();
    this.link?.disconnect('gadget closed');
    await Promise.allSettled(this.loops);
    for (const fd of [...this.files.values(), this.ep0]) await closeFunctionFsFile(fd);
    await this.gadget.remove();
  }

  private changed(): void {
    for (const resolve of this.wake.splice(0)) resolve();
  }

  /** Resolves at the next bus event or after `ms`, whichever comes first. */
  nextChange(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake.push(resolve);
      setTimeout(resolve, ms);
    });
  }

  private steer(change: () => void): void {
    this.steering = true;
    try {
      change();
    } finally {
      this.steering = false;
    }
  }

  /** The modem left or rejoined the bus on its own (reset, power): the gadget follows. */
  private async followModem(): Promise<void> {
    if (this.steering || this.closing) return;
    const bound = (await this.gadget.boundTo().catch(() => '')) !== '';
    if (this.modem.state === 'edl' && !bound)
      await this.gadget.bind(this.udc).catch(() => undefined);
    if (this.modem.state !== 'edl' && bound) {
      // A real controller has sent what was queued (a reset's ACK) before the device goes.
      await this.drained(1_000);
      this.onEvent?.(`modem ${this.modem.state}: leaving the bus`);
      await this.gadget.unbind().catch(() => undefined);
    }
  }

  /** Resolves once the host has taken everything the modem sent, or after `ms`. */
  private async drained(ms: number): Promise<void> {
    const end = Date.now() + ms;
    while (Date.now() < end && this.enabled && (this.sending || (this.link?.queued ?? 0) > 0))
      await sleep(5);
  }

  private async eventLoop(): Promise<void> {
    const buffer = Buffer.alloc(FUNCTIONFS_EVENT_SIZE * 8);
    while (!this.closing) {
      let got = 0;
      try {
        got = await readInto(this.ep0, buffer);
      } catch (e) {
        if (errnoOf(e) !== 'EAGAIN' && errnoOf(e) !== 'EINTR') throw e;
      }
      if (got === 0) {
        await sleep(EP0_POLL_MS);
        continue;
      }
      for (const event of parseFunctionFsEvents(buffer.subarray(0, got))) await this.handle(event);
      this.changed();
    }
  }

  private async handle(event: FunctionFsEvent): Promise<void> {
    this.onEvent?.(event.type);
    switch (event.type) {
      case 'enable':
        this.packet = await this.packetSize();
        this.enabled = true;
        if (this.link?.attached) return; // the host configured it again: same device
        if (this.modem.state !== 'edl') this.steer(() => this.modem.powerOn('edl'));
        this.link = this.modem.connect();
        return;
      case 'disable':
        this.enabled = false;
        return;
      case 'unbind':
        this.enabled = false;
        if (this.link?.attached)
          this.steer(() => this.modem.unplug('USB cable pulled (gadget unbound)'));
        this.link = undefined;
        return;
      case 'setup':
        // EDL devices answer no class or vendor requests: stall them.
        if (event.bmRequestType & 0x80) await readInto(this.ep0, Buffer.alloc(1)).catch(() => 0);
        else await writeAll(this.ep0, new Uint8Array(0)).catch(() => 0);
        return;
      default:
        return;
    }
  }

  private async packetSize(): Promise<number> {
    const speed = readFile(`/sys/class/udc/${this.udc}/current_speed`, 'utf8');
    return (await speed.catch(() => '')).trim() === 'full-speed' ? 64 : 512;
  }
}
