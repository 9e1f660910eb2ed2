/**
 * The package reader without its Node adapters (folders and zips on disk, node:crypto): what
 * the planner and the runtime-neutral entry (`src/core.ts`) import. `index.ts` adds the
 * adapters for Node callers.
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
export * from './package-source.js';
export * from './portable-md5.js';
export * from './memory-source.js';
export { zipSource, type ZipSourceOptions } from './zip-source.js';
export type { ArchiveBytes, Crc32 } from './zip-archive.js';
export * from './delta-package.js';
export * from './package-roots.js';
