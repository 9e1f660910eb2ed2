import type { ProgrammerSource } from '../../src/sahara/index.js';

/** A programmer served from memory. */
export const memorySource = (bytes: Uint8Array): ProgrammerSource => ({
  size: bytes.length,
  read: async (p, n) => bytes.subarray(p, p + n),
});
