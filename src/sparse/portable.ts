/**
 * The Android sparse codec without its Node file adapter (`file-source.ts`): what the
 * runtime-neutral entry (`src/core.ts`) exposes.
 *
 * @module
 */
export * from './format.js';
export * from './expand.js';
export * from './index-image.js';
export * from './encode.js';
