/**
 * Sessions: the one place a Firehose session starts.
 *
 * @module
 */
export * from './open-session.js';
