/**
 * Firehose: the programmer's XML protocol. `qfh/firehose` exposes the pure document
 * codec, the command builders and the stream framer.
 *
 * @module
 */
export * from './xml.js';
export * from './commands.js';
export * from './framer.js';
export * from './client.js';
export * from './digest-answer.js';
