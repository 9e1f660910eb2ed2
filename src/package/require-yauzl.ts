/**
 * yauzl through `require`, not `import`: imported from ES modules this CommonJS package
 * raised the library's peak RSS in a zip flash by about 5 MiB (`memory.zip` in `npm run
 * bench -- --quick --compare`: 47.1 → 41.8 MiB). The command line runs the bundle, where
 * esbuild inlines yauzl either way: the bundle replaces this module with a plain `require`
 * (scripts/bundle.mjs).
 *
 * @module
 */
import { createRequire } from 'node:module';
import type yauzl from 'yauzl';

/** The yauzl module, loaded at the first call. */
export function requireYauzl(): typeof yauzl {
  return createRequire(import.meta.url)('yauzl') as typeof yauzl;
}
