/**
 * Paths the user asks qfh to write (a backup folder, a capture, a debug bundle, an update
 * record), checked before any device is opened: a path qfh cannot write is the user's to
 * fix, said with the path and what to do, not found after a 240 MB backup was read or
 * reported as a bug in qfh.
 *
 * @module
 */
import { constants } from 'node:fs';
import { access, lstat, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { isOwnDescriptor } from '../private-file.js';

/** A path to write, and the option (or argument) that named it. */
export interface OutputPath {
  readonly path: string;
  /** How the user gave it: `--capture`, `the backup folder`. */
  readonly given: string;
  /** A file qfh creates or replaces, or a folder qfh creates (with its parents) or fills. */
  readonly kind: 'file' | 'folder';
}

const unwritable = (o: OutputPath, why: string, hint: string): UsageError =>
  new UsageError('QFH_OUTPUT_UNWRITABLE', `${o.given} ${o.path}: ${why}`, { hint });

/** What is at `path`: a folder, something else, or nothing. */
async function kindAt(path: string): Promise<'folder' | 'other' | 'none'> {
  return stat(path).then(
    (s) => (s.isDirectory() ? 'folder' : 'other'),
    () => 'none',
  );
}

/** The folder a new file or folder at `path` lands in: its nearest existing ancestor. */
async function landing(o: OutputPath): Promise<string> {
  let at = dirname(resolve(o.path));
  for (;;) {
    const kind = await kindAt(at);
    if (kind === 'folder') return at;
    if (kind === 'other')
      throw unwritable(
        o,
        `${at} is a file, so nothing can be created inside it`,
        `Give ${o.given} a path in a folder.`,
      );
    if (o.kind === 'file')
      throw unwritable(
        o,
        `the folder ${at} does not exist`,
        `Create it first (mkdir -p ${at}), or give ${o.given} a path in an existing folder.`,
      );
    const up = dirname(at);
    if (up === at) return at;
    at = up;
  }
}

/**
 * Checks each path can be written as its kind asks.
 * @throws UsageError `QFH_OUTPUT_UNWRITABLE`, naming the path and what to do.
 */
export async function checkOutputPaths(paths: readonly (OutputPath | undefined)[]): Promise<void> {
  for (const o of paths) {
    if (o === undefined) continue;
    const kind = await kindAt(o.path);
    // Files qfh writes hold device data and qfh often runs as root: a link planted where one
    // goes would let its owner choose which file root overwrites (src/private-file.ts).
    const link = (await lstat(o.path).catch(() => undefined))?.isSymbolicLink() === true;
    if (o.kind === 'file' && link && !isOwnDescriptor(o.path))
      throw unwritable(
        o,
        'is a symbolic link; qfh does not write device data through one',
        `Remove the link, or give ${o.given} the real file name.`,
      );
    if (o.kind === 'file' && kind === 'folder')
      throw unwritable(o, 'is a folder', `Give ${o.given} a file name (${o.path}/NAME).`);
    if (o.kind === 'folder' && kind === 'other')
      throw unwritable(
        o,
        'is a file, not a folder',
        `Give ${o.given} a new or existing folder's path.`,
      );
    // A file that is there already (an old capture, /dev/stdout, a shell's /dev/fd/63) is
    // written itself: whether this user may write it is what matters, not its folder.
    if (o.kind === 'file' && kind === 'other') {
      await access(o.path, constants.W_OK).catch(() => {
        throw unwritable(
          o,
          'is there already and cannot be written by this user',
          `Remove it, or give ${o.given} another file name.`,
        );
      });
      continue;
    }
    const folder = o.kind === 'folder' && kind === 'folder' ? o.path : await landing(o);
    await access(folder, constants.W_OK | constants.X_OK).catch(() => {
      throw unwritable(
        o,
        `${folder} cannot be written by this user`,
        `Give ${o.given} a path in a folder you can write (your home, /tmp).`,
      );
    });
  }
}
