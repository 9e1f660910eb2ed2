/**
 * Sahara: the PBL's upload protocol. `qfh/sahara` exposes the pure packet codec,
 * the protocol numbers and the command-mode payload decoders.
 *
 * @module
 */
export * from './constants.js';
export * from './packets.js';
export * from './exec-data.js';
export * from '../elf.js';
export * from './client.js';
