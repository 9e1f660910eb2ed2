#!/usr/bin/env node
/* global URL */
// Thin launcher. `npm run build` (run by `npm install`) compiles the CLI to dist/ and also
// bundles it into one file, dist/bundle/qfh.mjs. Loading that one file instead of ~200
// modules halves qfh's start-up CPU (a small flash: 0.43 → 0.2 CPU s; bench
// `startup.small-flash`). The modules are used when the bundle is missing, or older than
// them (after a compile without the bundle step).
import { statSync } from 'node:fs';

const mtime = (path) => {
  try {
    return statSync(new URL(path, import.meta.url)).mtimeMs;
  } catch {
    return -1;
  }
};

if (mtime('../dist/bundle/qfh.mjs') >= mtime('../dist/cli/main.js')) {
  await import('../dist/bundle/qfh.mjs'); // runs the CLI and sets process.exitCode
} else {
  const { main } = await import('../dist/cli/main.js');
  process.exitCode = await main(process.argv.slice(2));
}
