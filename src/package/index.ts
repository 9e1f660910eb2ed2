/**
 * Firmware packages: `qfh/package` reads a firmware folder and every manifest in it
 * (rawprogram, patch, md5, contents.xml), evaluates their expressions, and decodes the
 * NAND MIBIB and GPT partition tables.
 *
 * @module
 */
export * from './expression.js';
export * from './program-list.js';
export * from './md5-manifest.js';
export * from './contents-manifest.js';
export * from './mibib.js';
export * from './gpt.js';
export * from './apply-patch.js';
export * from './findings.js';
export * from './package-paths.js';
export * from './discover.js';
export * from './read-package.js';
export * from './verify-md5.js';
export { zipSource } from './zip-source.js';
export { openPackageSource, isZipFile } from './open-source.js';
