/**
 * yauzl through `require`, not `import`: imported from ES modules this CommonJS package
 * kept 9.5 MiB of RSS outside the JavaScript heap for the life of the process, against
 * 0.25 MiB through `require` (a fresh `node --expose-gc`, Node 20.20, after a full GC each
 * side). Its own dependencies imported the same way cost 0.3–0.6 MiB each. The bundle
 * replaces this module with a plain `require`, which esbuild inlines (scripts/bundle.mjs).
 *
 * @module
 */
import { createRequire } from 'node:module';
import type yauzl from 'yauzl';

/** The yauzl module, loaded at the first call. */
export function requireYauzl(): typeof yauzl {
  return createRequire(import.meta.url)('yauzl') as typeof yauzl;
}
