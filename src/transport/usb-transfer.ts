/**
 * One bulk transfer whose deadline qfh enforces itself. The `usb` 2.18.0 prebuild's libusb
 * is built without timerfd, so a libusb transfer timeout on an idle bus only fires when its
 * event thread next wakes, up to 60 s late (research/usb-stack.md). Here a JavaScript timer
 * cancels the transfer at the deadline (libusb_cancel_transfer discards the URB, and the
 * kernel's completion wakes the event thread at once); the libusb timeout stays armed a
 * little later as a backstop. An AbortSignal cancels the same way.
 *
 * @module
 */
import { TransportTimeoutError } from '../errors.js';
import {
  LIBUSB,
  type UsbErrorLike,
  type UsbInEndpointLike,
  type UsbOutEndpointLike,
} from './usb-api.js';
import { usbError } from './usb-errors.js';

/** When a transfer must be over, and what to call it in errors. */
export interface TransferDeadline {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
  /** `usb 1-1 05c6:9008: read`, for messages. */
  readonly where: string;
}

/** How long libusb's own timeout waits after qfh's: only if the JavaScript timer could not run. */
const LIBUSB_BACKSTOP_MS = 1_000;

type Endpoint = UsbInEndpointLike | UsbOutEndpointLike;

function run(endpoint: Endpoint, buffer: Buffer, d: TransferDeadline): Promise<number> {
  return new Promise((resolve, reject) => {
    let expired: 'timed out' | 'aborted' | undefined;
    const timeout = Math.max(1, Math.ceil(d.timeoutMs));
    const finish = (): void => {
      clearTimeout(timer);
      d.signal?.removeEventListener('abort', onAbort);
    };
    const transfer = endpoint.makeTransfer(
      timeout + LIBUSB_BACKSTOP_MS,
      (error: UsbErrorLike | undefined, _buffer: Buffer, actual: number) => {
        finish();
        // Bytes an IN transfer received before it was cancelled are the device's: keep them.
        if (!error || (endpoint.direction === 'in' && actual > 0)) resolve(actual);
        else if (expired && error.errno === LIBUSB.TRANSFER_CANCELLED)
          reject(
            new TransportTimeoutError(
              `${d.where}: ${expired === 'aborted' ? 'aborted' : `no transfer within ${timeout} ms`}`,
            ),
          );
        else reject(usbError(error, d.where));
      },
    );
    const cancel = (why: 'timed out' | 'aborted'): void => {
      expired = why;
      try {
        transfer.cancel();
      } catch {
        // already completing: its callback reports what happened
      }
    };
    const timer = setTimeout(() => cancel('timed out'), timeout);
    const onAbort = (): void => cancel('aborted');
    d.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      transfer.submit(buffer);
      if (d.signal?.aborted) cancel('aborted');
    } catch (e) {
      finish();
      reject(usbError(e, d.where));
    }
  });
}

/** Reads one IN transfer of up to `length` bytes (whole packets); resolves with what came. */
export async function transferIn(
  endpoint: UsbInEndpointLike,
  length: number,
  deadline: TransferDeadline,
): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  return buffer.subarray(0, await run(endpoint, buffer, deadline));
}

/** Sends one OUT transfer (an empty one is a ZLP); resolves once the device took it. */
export async function transferOut(
  endpoint: UsbOutEndpointLike,
  data: Uint8Array,
  deadline: TransferDeadline,
): Promise<void> {
  await run(endpoint, Buffer.from(data.buffer, data.byteOffset, data.byteLength), deadline);
}
