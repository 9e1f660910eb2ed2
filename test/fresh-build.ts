/**
 * Tests that run the built command line or the packed package (`bin/qfh.js`, `dist/`) must
 * test the source as it is now: a run right after an edit would otherwise pass on the
 * previous build. Before any test starts, the build is made again when any file it is made
 * from (src/, scripts/bundle.mjs, the tsconfigs, package.json) is newer than its oldest
 * output.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');

function newest(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

function mtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
}

export default function setup(): void {
  const inputs = ['src', 'scripts/bundle.mjs', 'tsconfig.build.json', 'package.json'];
  const made = Math.min(
    mtime(join(root, 'dist/index.js')),
    mtime(join(root, 'dist/cli/main.js')),
    mtime(join(root, 'dist/bundle/qfh.mjs')),
  );
  const source = Math.max(...inputs.map((p) => newest(join(root, p))));
  if (made >= source) return;
  process.stderr.write('qfh tests: dist/ is older than the source; building it again\n');
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}
