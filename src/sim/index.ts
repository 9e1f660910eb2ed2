/**
 * The simulated modem: `qfh/sim` exposes a Sahara + Firehose target over byte-accurate
 * NAND/eMMC/UFS storage, device profiles of real modules, fault injection, the normal-mode
 * AT/DIAG ports, and a builder of test programmers.
 *
 * @module
 */
export * from './modem.js';
export * from './profiles.js';
export * from './faults.js';
export * from './storage/storage.js';
export * from './storage/paged-memory.js';
export * from './programmer-image.js';
export * from './sahara-target.js';
export * from './firehose-target.js';
export * from './sim-transport.js';
export * from './at-modem.js';
export * from './fake-usb.js';
export * from './dump-storage.js';
export * from './tcp-server.js';
export * from './configfs-gadget.js';
export * from './functionfs-gadget.js';
export * from './mibib-image.js';
export * from './demo-package.js';
export * from './normal-mode-access.js';
export * from './bus.js';
