/**
 * Where a backup may go: a new folder, or an empty one. A backup never writes into a folder
 * that holds anything (its md5.txt and rawprogram would replace a firmware download's own) and
 * never inside the package it backs up (the package would then hold two).
 *
 * @module
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { UsageError } from '../errors.js';

/** The real path of `path`, or of its nearest existing ancestor joined with the rest. */
async function realOrPlanned(path: string): Promise<string> {
  const abs = resolve(path);
  const real = await realpath(abs).catch(() => undefined);
  if (real !== undefined) return real;
  const up = dirname(abs);
  return up === abs ? abs : resolve(await realOrPlanned(up), relative(up, abs));
}

const inside = (child: string, parent: string): boolean => {
  const r = relative(parent, child);
  // `..bak` is a name inside; only `..` itself, or `..` then a separator, climbs out.
  return r === '' || (r !== '..' && !r.startsWith(`..${sep}`) && !isAbsolute(r));
};

const refused = (dir: string, why: string, hint: string): UsageError =>
  new UsageError('QFH_OUTPUT_UNWRITABLE', `the backup folder ${dir}: ${why}`, { hint });

/**
 * Checks `dir` may receive a backup: it does not exist or is an empty folder, and it is not
 * inside `packageRoot` (the package the backup's layout came from).
 * @throws UsageError `QFH_OUTPUT_UNWRITABLE` saying why and what to give instead.
 */
export async function checkBackupDestination(
  dir: string,
  o: { packageRoot?: string | undefined } = {},
): Promise<void> {
  const s = await stat(dir).catch(() => undefined);
  if (s && !s.isDirectory())
    throw refused(dir, 'is a file', 'Give a new folder’s path, e.g. ./backup-$(date +%F).');
  if (s && (await readdir(dir)).length > 0)
    throw refused(
      dir,
      'is not empty; a backup writes md5.txt, rawprogram and images that would replace what is there',
      'Give a new or empty folder, e.g. ./backup-$(date +%F).',
    );
  if (o.packageRoot === undefined) return;
  const root = await realOrPlanned(o.packageRoot);
  if ((await stat(root).catch(() => undefined))?.isDirectory() !== true) return;
  if (inside(await realOrPlanned(dir), root))
    throw refused(
      dir,
      `is inside the firmware package ${o.packageRoot}, which would then hold a second package`,
      'Give a folder outside the package, e.g. ./backup-$(date +%F).',
    );
}
