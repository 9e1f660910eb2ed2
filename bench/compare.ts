/**
 * `npm run bench -- --compare REF`: the tree at a git ref, built beside this one, so the
 * same harness measures both in one run, alternating (a change's effect measured, not
 * guessed). The ref's files come from `git archive` (nothing is added to the repository),
 * its dependencies are this tree's node_modules when the lock files agree (else
 * `npm ci`), and it is built with its own build script.
 *
 * @module
 */
import { execFile } from 'node:child_process';
import { readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Extracts and builds `ref` under `into`; resolves to its root and its commit. */
export async function buildRef(
  repo: string,
  ref: string,
  into: string,
): Promise<{ root: string; commit: string }> {
  const commit = (
    await run('git', ['-C', repo, 'rev-parse', '--verify', `${ref}^{commit}`])
  ).stdout.trim();
  const root = join(into, `ref-${commit.slice(0, 10)}`);
  await run('bash', [
    '-c',
    'mkdir -p "$2" && git -C "$1" archive "$3" | tar -x -C "$2"',
    'x',
    repo,
    root,
    commit,
  ]);
  const lock = async (dir: string): Promise<string> =>
    readFile(join(dir, 'package-lock.json'), 'utf8').catch(() => '');
  if ((await lock(repo)) === (await lock(root)))
    await symlink(join(repo, 'node_modules'), join(root, 'node_modules'), 'dir');
  else await run('npm', ['ci', '--ignore-scripts'], { cwd: root, maxBuffer: 64 << 20 });
  await run('npm', ['run', 'build'], { cwd: root, maxBuffer: 64 << 20 });
  return { root, commit };
}
