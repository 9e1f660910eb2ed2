/**
 * Android sparse images: `qfh/sparse` exposes the header codec, the streaming
 * expander, the header-only indexer and an encoder.
 *
 * @module
 */
export * from './format.js';
export * from './expand.js';
export * from './index-image.js';
export * from './encode.js';
export * from './file-source.js';
