/**
 * Transports: `qfh/transport` exposes the Transport contract and its backends (usb,
 * chardev, tcp), device selection and discovery. The usb backend loads native code only
 * when used.
 *
 * @module
 */
export * from './transport.js';
export * from './usb-api.js';
export * from './usb.js';
export * from './chardev.js';
export * from './tcp.js';
export * from './kernel-firmware.js';
export * from './pushback-reader.js';
export * from './select-device.js';
export * from './sysfs-devices.js';
export * from './pcie-ports.js';
