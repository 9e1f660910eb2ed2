/**
 * Captures and replay: record any session as JSON Lines, replay a capture or a converted
 * QFirehose log as the device side and check what the host sends; read usbmon captures
 * (pcap/pcapng) into the same form, and write any session as pcapng for Wireshark.
 *
 * @module
 */
export * from './script.js';
export * from './replay.js';
export * from './recording.js';
export * from './qfirehose-log.js';
export * from './captured-transfer.js';
export * from './pcap-read.js';
export * from './pcap-write.js';
export * from './usbmon.js';
export * from './usb-descriptors.js';
export * from './usbmon-device.js';
export * from './usbmon-import.js';
export * from './tapped-transport.js';
export * from './pcapng-export.js';
export * from './replay-session.js';
export * from './debug-bundle.js';
export * from './session-timeline.js';
