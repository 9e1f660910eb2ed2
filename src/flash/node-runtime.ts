/**
 * Node's {@link FlashRuntime}: node:crypto's SHA-256 (native, several times the portable
 * one's speed), large images hashed on the process's worker thread while they are sent, and
 * packages and programmer files read from disk by path.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { readPackage } from '../package/open-package.js';
import { openProgrammer } from '../sahara/programmer-file.js';
import type { Sha256Factory } from '../sha256.js';
import type { FlashRuntime } from './flash-runtime.js';
import { hashOnThread } from './hash-thread.js';

/** node:crypto's SHA-256. */
export const nodeSha256: Sha256Factory = () => {
  const hash = createHash('sha256');
  return {
    update: (bytes) => void hash.update(bytes),
    hex: () => hash.digest('hex'),
  };
};

/** What flashing uses on Node. */
export const nodeRuntime: FlashRuntime = {
  sha256: nodeSha256,
  hashOnThread,
  files: {
    readPackage: (path) => readPackage(path),
    programmerPath: (path) => resolve(path),
    openProgrammer,
  },
};
