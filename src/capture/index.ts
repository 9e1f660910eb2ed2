/**
 * Captures and replay: record any session as JSON Lines, replay a capture or a converted
 * QFirehose log as the device side and check what the host sends.
 *
 * @module
 */
export * from './script.js';
export * from './replay.js';
export * from './recording.js';
export * from './qfirehose-log.js';
