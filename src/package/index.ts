/**
 * Firmware packages: `qfh/package` reads a firmware folder and every manifest in it
 * (rawprogram, patch, md5, contents.xml), evaluates their expressions, and decodes the
 * NAND MIBIB and GPT partition tables.
 *
 * @module
 */
export * from './portable.js';
// Node adapters: packages on this machine's disk, zips, node:crypto's MD5.
export * from './open-package.js';
export * from './verify-md5.js';
export { folderSource } from './folder-source.js';
export { openPackageSource, isZipFile } from './open-source.js';
