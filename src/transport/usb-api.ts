/**
 * The part of the npm `usb` package's legacy API (2.x) that qfh uses, as types. The real
 * module satisfies it structurally, and so does the simulator's fake, which is how the usb
 * backend is tested without hardware. Errors carry libusb numbers in `errno`: negative
 * `LIBUSB_ERROR_*` for calls, positive `LIBUSB_TRANSFER_*` statuses for transfers.
 *
 * @module
 */

/** An error from the `usb` package (a LibUSBException). */
export interface UsbErrorLike extends Error {
  errno: number;
}

/** Endpoint descriptor fields qfh reads. */
export interface UsbEndpointDescriptorLike {
  readonly bEndpointAddress: number;
  readonly bmAttributes: number;
  readonly wMaxPacketSize: number;
}

/** One libusb transfer, made once and submitted (node-usb's `Transfer`). */
export interface UsbTransferLike {
  /** Submits with `buffer` (filled for IN, sent for OUT); the endpoint's callback reports the end. */
  submit(buffer: Buffer): unknown;
  /** Cancels a pending transfer (its callback then reports LIBUSB_TRANSFER_CANCELLED); false if not pending. */
  cancel(): boolean;
}

/** Completion of a transfer: error (if any), the submitted buffer, bytes actually moved. */
export type UsbTransferCallback = (
  error: UsbErrorLike | undefined,
  buffer: Buffer,
  actualLength: number,
) => void;

/** A bulk IN endpoint. */
export interface UsbInEndpointLike {
  readonly direction: 'in';
  readonly descriptor: UsbEndpointDescriptorLike;
  /** Per-transfer timeout in ms; 0 (the package's default) waits forever. */
  timeout: number;
  transfer(
    length: number,
    callback: (error: UsbErrorLike | undefined, data?: Buffer) => void,
  ): unknown;
  /** A transfer with its own libusb timeout (0 = none), cancellable while pending. */
  makeTransfer(timeout: number, callback: UsbTransferCallback): UsbTransferLike;
}

/** A bulk OUT endpoint. */
export interface UsbOutEndpointLike {
  readonly direction: 'out';
  readonly descriptor: UsbEndpointDescriptorLike;
  timeout: number;
  transfer(
    buffer: Buffer,
    callback?: (error: UsbErrorLike | undefined, actual: number) => void,
  ): unknown;
  makeTransfer(timeout: number, callback: UsbTransferCallback): UsbTransferLike;
}

/** An interface of a configured device. */
export interface UsbInterfaceLike {
  readonly interfaceNumber: number;
  readonly descriptor: {
    readonly bInterfaceClass: number;
    readonly bInterfaceSubClass: number;
    readonly bInterfaceProtocol: number;
  };
  readonly endpoints: readonly (UsbInEndpointLike | UsbOutEndpointLike)[];
  claim(): void;
  release(callback?: (error?: UsbErrorLike) => void): void;
  isKernelDriverActive(): boolean;
  detachKernelDriver(): void;
  /** Gives the interface back to the kernel driver qfh detached. */
  attachKernelDriver(): void;
}

/** A device as `getDeviceList()` returns it. */
export interface UsbDeviceLike {
  readonly busNumber: number;
  readonly deviceAddress: number;
  readonly portNumbers: readonly number[];
  readonly deviceDescriptor: {
    readonly idVendor: number;
    readonly idProduct: number;
    readonly iProduct: number;
    readonly iSerialNumber: number;
  };
  readonly interfaces?: readonly UsbInterfaceLike[] | undefined;
  /** Active configuration, readable without opening the device. */
  readonly configDescriptor?:
    | {
        readonly interfaces: readonly (readonly {
          readonly bInterfaceNumber: number;
          readonly bInterfaceClass: number;
          readonly bInterfaceSubClass: number;
          readonly bInterfaceProtocol: number;
        }[])[];
      }
    | undefined;
  open(defaultConfig?: boolean): void;
  close(): void;
  getStringDescriptor(
    index: number,
    callback: (error: UsbErrorLike | undefined, value?: string) => void,
  ): void;
}

/** The module: device list plus hot-plug events. */
export interface UsbModuleLike {
  getDeviceList(): UsbDeviceLike[];
  readonly usb: {
    on(event: 'attach' | 'detach', listener: (device: UsbDeviceLike) => void): unknown;
    off(event: 'attach' | 'detach', listener: (device: UsbDeviceLike) => void): unknown;
  };
}

/** libusb numbers qfh maps to its own errors (values from libusb.h, as the package exports them). */
export const LIBUSB = {
  ERROR_IO: -1,
  ERROR_ACCESS: -3,
  ERROR_NO_DEVICE: -4,
  ERROR_NOT_FOUND: -5,
  ERROR_BUSY: -6,
  ERROR_TIMEOUT: -7,
  ERROR_OVERFLOW: -8,
  ERROR_PIPE: -9,
  TRANSFER_ERROR: 1,
  TRANSFER_TIMED_OUT: 2,
  TRANSFER_CANCELLED: 3,
  TRANSFER_STALL: 4,
  TRANSFER_NO_DEVICE: 5,
  TRANSFER_OVERFLOW: 6,
} as const;
