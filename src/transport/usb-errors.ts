/**
 * libusb errors in qfh's error family: each libusb number (call errors and transfer
 * statuses, as the npm `usb` package reports them) mapped to a TransportError with what to
 * do about it.
 *
 * @module
 */
import { TransportClosedError, TransportError, TransportTimeoutError } from '../errors.js';
import { LIBUSB, type UsbErrorLike } from './usb-api.js';

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
