/**
 * libusb errors in qfh's error family: each libusb number (call errors and transfer
 * statuses, as the npm `usb` package reports them) mapped to a TransportError with what to
 * do about it.
 *
 * @module
 */
import { TransportClosedError, TransportError, TransportTimeoutError } from '../errors.js';
import { LIBUSB, type UsbDeviceLike, type UsbErrorLike } from './usb-api.js';

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
        hint: 'No permission to open the USB device. Run as root, or add a udev rule: SUBSYSTEM=="usb", ATTR{idVendor}=="05c6", ATTR{idProduct}=="9008", MODE="0660", GROUP="plugdev", TAG+="uaccess" (then replug; `qfh doctor` prints the command that installs it).',
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

/**
 * After a transfer error, how often and how far apart qfh asks whether the device is still
 * there: the hub reports a disconnect some tens of milliseconds after the cut transfer.
 */
const GONE_PROBES = 4;
const GONE_PROBE_INTERVAL_MS = 100;

/**
 * A transfer error is often the device leaving the bus: a host controller reports an unplug
 * or a reset as a protocol error on the transfer in flight (xHCI's -EPROTO, dummy_hcd),
 * before the hub has seen the port go. Asking the device for its product string tells the
 * two apart, so a user hears "the modem left the bus", not "try another cable", when it did.
 * Returns the error to throw: `e` itself, or a disconnect.
 */
export async function departureOr(e: unknown, device: UsbDeviceLike): Promise<unknown> {
  if (!(e instanceof TransportError) || e.code !== 'QFH_TRANSPORT_IO') return e;
  if ((e.cause as UsbErrorLike | undefined)?.errno !== LIBUSB.TRANSFER_ERROR) return e;
  for (let attempt = 1; ; attempt++) {
    if (await gone(device))
      return new TransportClosedError(`${e.message} (the modem left the bus)`, {
        cause: e,
        disconnected: true,
      });
    if (attempt === GONE_PROBES) return e;
    await new Promise((r) => setTimeout(r, GONE_PROBE_INTERVAL_MS));
  }
}

function gone(device: UsbDeviceLike): Promise<boolean> {
  return new Promise((resolve) =>
    device.getStringDescriptor(device.deviceDescriptor.iProduct || 1, (error) =>
      resolve(
        error?.errno === LIBUSB.ERROR_NO_DEVICE || error?.errno === LIBUSB.TRANSFER_NO_DEVICE,
      ),
    ),
  );
}
