/**
 * The bulk endpoints of the fake `usb` module, with libusb's transfer semantics: a
 * transfer is made, submitted and completes once through its callback with a status;
 * timeouts are per transfer (0 waits forever); a pending transfer can be cancelled
 * (LIBUSB_TRANSFER_CANCELLED); an IN request that is not whole packets overflows when a
 * full packet arrives. `transfer()` is built on `makeTransfer()` as node-usb builds it.
 * With `lateTimeoutsMs` the fake has the `usb` 2.18.0 prebuild's defect: libusb timeouts
 * fire that late on an idle bus, while cancellation still completes at once.
 *
 * @module
 */
import { TransportClosedError, TransportTimeoutError } from '../errors.js';
import {
  LIBUSB,
  type UsbErrorLike,
  type UsbInEndpointLike,
  type UsbOutEndpointLike,
  type UsbTransferCallback,
  type UsbTransferLike,
} from '../transport/usb-api.js';
import type { SimulatedModem } from './modem.js';
import type { SimLink } from './sim-transport.js';

/** The buffer a device reads into when the modem asks no exact length (FunctionFS's too). */
const DEVICE_READ_BYTES = 1 << 20;

/** What an endpoint needs of its device. */
export interface FakeEndpointDevice {
  readonly modem: SimulatedModem;
  /** wMaxPacketSize of its bulk endpoints. */
  readonly packetSize: number;
  /** Registers a submitted transfer until it completes (close cancels those in flight). */
  track(transfer: { cancel(): boolean }): () => void;
  /** The open link; throws LIBUSB_ERROR_NO_DEVICE when the device is not open. */
  readonly openLink: SimLink;
  readonly options: { readonly stallOut?: boolean; readonly lateTimeoutsMs?: number };
  readonly owner: {
    recordOut(modem: SimulatedModem, length: number): void;
    outInFlight: number;
    maxOutInFlight: number;
  };
}

/** A libusb-style error. */
export function usbError(errno: number, message: string): UsbErrorLike {
  return Object.assign(new Error(message), { errno });
}

function transferError(e: unknown, cancelled: boolean): UsbErrorLike {
  if (cancelled) return usbError(LIBUSB.TRANSFER_CANCELLED, 'LIBUSB_TRANSFER_CANCELLED');
  if (e instanceof TransportTimeoutError)
    return usbError(LIBUSB.TRANSFER_TIMED_OUT, 'LIBUSB_TRANSFER_TIMED_OUT');
  if (e instanceof TransportClosedError)
    return usbError(LIBUSB.TRANSFER_NO_DEVICE, 'LIBUSB_TRANSFER_NO_DEVICE');
  return usbError(LIBUSB.TRANSFER_ERROR, `LIBUSB_TRANSFER_ERROR: ${(e as Error).message}`);
}

/**
 * A transfer in flight when the device leaves the bus ends as a transfer error, not "no
 * device": what dummy_hcd gave in the qemu guest, and what xHCI's -EPROTO on a real unplug
 * looks like to libusb. Transfers submitted after it left see "no device".
 */
function rethrowCut(e: unknown, submittedAttached: boolean, signal: AbortSignal): never {
  const departed = e instanceof TransportClosedError && e.code === 'QFH_TRANSPORT_DISCONNECTED';
  if (departed && submittedAttached && !signal.aborted)
    throw usbError(LIBUSB.TRANSFER_ERROR, 'LIBUSB_TRANSFER_ERROR');
  throw e;
}

/** The fake libusb's wait for a transfer timeout (0 = forever). */
function libusbWait(device: FakeEndpointDevice, timeout: number): number {
  if (timeout === 0) return 2 ** 31 - 1;
  return Math.max(timeout, device.options.lateTimeoutsMs ?? 0);
}

/** One transfer: submitted once, completed once. */
class FakeTransfer implements UsbTransferLike {
  private pending = false;
  private readonly abort = new AbortController();

  constructor(
    private readonly device: FakeEndpointDevice,
    private readonly start: (buffer: Buffer, signal: AbortSignal) => Promise<number>,
    private readonly callback: UsbTransferCallback,
  ) {}

  submit(buffer: Buffer): this {
    if (this.pending) throw new Error('Transfer is already active');
    this.pending = true;
    const untrack = this.device.track(this);
    this.start(buffer, this.abort.signal).then(
      (actual) => {
        untrack();
        this.complete(undefined, buffer, actual);
      },
      (e: unknown) => {
        untrack();
        this.complete(
          (e as UsbErrorLike).errno === undefined
            ? transferError(e, this.abort.signal.aborted)
            : (e as UsbErrorLike),
          buffer,
          0,
        );
      },
    );
    return this;
  }

  private complete(error: UsbErrorLike | undefined, buffer: Buffer, actual: number): void {
    this.pending = false;
    this.callback(error, buffer, actual);
  }

  cancel(): boolean {
    if (!this.pending || this.abort.signal.aborted) return false;
    this.abort.abort();
    return true;
  }
}

/** Bulk IN: a transfer completes with one device transfer (a short packet ends it). */
export class FakeInEndpoint implements UsbInEndpointLike {
  readonly direction = 'in' as const;
  readonly descriptor;
  timeout = 0;

  constructor(
    private readonly device: FakeEndpointDevice,
    address: number,
  ) {
    this.descriptor = {
      bEndpointAddress: address,
      bmAttributes: 2,
      wMaxPacketSize: device.packetSize,
    };
  }

  makeTransfer(timeout: number, callback: UsbTransferCallback): UsbTransferLike {
    return new FakeTransfer(
      this.device,
      async (buffer, signal) => {
        const link = this.device.openLink;
        // A request that is not whole packets overflows when a full packet arrives (libusb).
        const packet = this.device.packetSize;
        const limit = buffer.length % packet === 0 ? buffer.length : buffer.length + 1;
        const submittedAttached = link.attached;
        const data = await link
          .read(limit, { timeoutMs: libusbWait(this.device, timeout), signal })
          .catch((e: unknown) => rethrowCut(e, submittedAttached, signal));
        if (data.length > buffer.length)
          throw usbError(LIBUSB.TRANSFER_OVERFLOW, 'LIBUSB_TRANSFER_OVERFLOW');
        buffer.set(data);
        return data.length;
      },
      callback,
    );
  }

  transfer(
    length: number,
    callback: (error: UsbErrorLike | undefined, data?: Buffer) => void,
  ): this {
    const buffer = Buffer.alloc(length);
    const done: UsbTransferCallback = (e, _b, actual) => callback(e, buffer.subarray(0, actual));
    try {
      this.makeTransfer(this.timeout, done).submit(buffer);
    } catch (e) {
      setImmediate(() => callback(e as UsbErrorLike));
    }
    return this;
  }
}

/** Bulk OUT: records transfer sizes; the device takes the bytes in submission order. */
export class FakeOutEndpoint implements UsbOutEndpointLike {
  readonly direction = 'out' as const;
  readonly descriptor;
  timeout = 0;
  private queue: Promise<unknown> = Promise.resolve();
  /** Bytes the device's posted read has taken so far (it has not ended yet). */
  private held: Buffer[] = [];
  private heldBytes = 0;
  /** The length of the device's posted read, fixed when it took its first bytes. */
  private readLimit: number | undefined;

  constructor(
    private readonly device: FakeEndpointDevice,
    address: number,
  ) {
    this.descriptor = {
      bEndpointAddress: address,
      bmAttributes: 2,
      wMaxPacketSize: device.packetSize,
    };
  }

  makeTransfer(timeout: number, callback: UsbTransferCallback): UsbTransferLike {
    return new FakeTransfer(
      this.device,
      async (buffer, signal) => {
        const device = this.device;
        device.owner.recordOut(device.modem, buffer.length);
        const link = device.openLink;
        if (device.options.stallOut) {
          await new Promise((r) => setImmediate(r));
          throw usbError(LIBUSB.TRANSFER_STALL, 'LIBUSB_TRANSFER_STALL');
        }
        const submittedAttached = link.attached;
        const owner = device.owner;
        owner.outInFlight++;
        owner.maxOutInFlight = Math.max(owner.maxOutInFlight, owner.outInFlight);
        // Transfers submitted together reach the device in submission order, as on the bus.
        const turn = this.queue.then(async () => {
          if (signal.aborted) throw new TransportTimeoutError('cancelled before it was sent');
          // A cancelled URB ends at once; the device keeps what it already took.
          const cancelled = new Promise<never>((_, reject) =>
            signal.addEventListener('abort', () => reject(new TransportTimeoutError('cancelled'))),
          );
          // The device's read ends when it is full (its length is the one the modem asks for:
          // exact for a PBL's READ_DATA answer, a buffer otherwise) or at a short packet (a
          // ZLP, or the short tail of a transfer); until then it holds what it took.
          const end = async (): Promise<void> => {
            const whole = Buffer.concat(this.held);
            this.held = [];
            this.heldBytes = 0;
            this.readLimit = undefined;
            if (whole.length === 0) return;
            const write = link.write(whole, { timeoutMs: libusbWait(device, timeout) });
            write.catch(() => undefined);
            await Promise.race([write, cancelled]);
          };
          for (let at = 0; at < buffer.length;) {
            const limit = (this.readLimit ??= link.readLength() ?? DEVICE_READ_BYTES);
            const take = Math.min(limit - this.heldBytes, buffer.length - at);
            this.held.push(Buffer.from(buffer.subarray(at, at + take)));
            this.heldBytes += take;
            at += take;
            if (this.heldBytes >= limit) await end();
          }
          if (buffer.length % device.packetSize !== 0 || buffer.length === 0) await end();
          return buffer.length;
        });
        this.queue = turn.catch(() => undefined);
        try {
          return await turn.catch((e: unknown) => rethrowCut(e, submittedAttached, signal));
        } finally {
          owner.outInFlight--;
        }
      },
      callback,
    );
  }

  transfer(
    buffer: Buffer,
    callback?: (error: UsbErrorLike | undefined, actual: number) => void,
  ): this {
    try {
      this.makeTransfer(this.timeout, (e, _b, actual) => callback?.(e, actual)).submit(buffer);
    } catch (e) {
      setImmediate(() => callback?.(e as UsbErrorLike, 0));
    }
    return this;
  }
}
