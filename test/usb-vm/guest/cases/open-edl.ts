/** Opening the 9008 as qfh does, through the real `usb` module loaded by the runner. */
import { openDevice, parseDeviceSpec } from '../../../../src/transport/select-device.js';
import type { Transport } from '../../../../src/transport/transport.js';
import type { CaseContext } from '../harness.js';

/** The one EDL device on the bus, waiting up to `waitMs` for libusb to see it. */
export function openEdl(ctx: CaseContext, waitMs = 30_000): Promise<Transport> {
  return openDevice(parseDeviceSpec('usb'), {
    waitMs,
    usbModule: ctx.usb,
    onNotice: (m) => ctx.log(`notice: ${m}`),
  });
}

/** Milliseconds since `from`, rounded. */
export const since = (from: number): number => Math.round(performance.now() - from);
