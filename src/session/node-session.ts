/**
 * The session opener on Node: a programmer named by path is opened (and checked) from disk.
 *
 * @module
 */
import { openProgrammer } from '../sahara/programmer-file.js';
import type { Transport } from '../transport/transport.js';
import {
  openFirehoseSession as openOn,
  type FirehoseSession,
  type SessionOptions,
} from './open-session.js';

/**
 * Starts a Firehose session on `transport`: Sahara upload of the programmer (bytes, or a
 * file path read from disk), configure, and the storage facts the planner needs.
 * @throws the Sahara, Firehose and programmer-file errors; nothing has been written.
 */
export function openFirehoseSession(
  transport: Transport,
  options: SessionOptions,
): Promise<FirehoseSession> {
  return openOn(transport, {
    ...options,
    openProgrammer: options.openProgrammer ?? openProgrammer,
  });
}
