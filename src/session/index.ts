/**
 * Sessions: the one place a Firehose session starts (on Node, a programmer path is read
 * from disk).
 *
 * @module
 */
export * from './open-session.js';
export { openFirehoseSession } from './node-session.js';
