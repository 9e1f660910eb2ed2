/**
 * Files that hold device data (backups with IMEI and calibration, captures, debug bundles,
 * update records) are the user's alone: created mode 0600 (folders 0700), and never through a
 * symbolic link. qfh often runs as root; a link another account planted where qfh writes
 * would otherwise let that account choose which file root overwrites.
 *
 * A Node adapter beside the bottom modules: the core never imports it.
 *
 * @module
 */
import { constants, fchmodSync, openSync, type WriteStream } from 'node:fs';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { UsageError } from './errors.js';

/** Owner read and write only. */
export const PRIVATE_FILE_MODE = 0o600;
/** Owner only. */
export const PRIVATE_FOLDER_MODE = 0o700;

const throughLink = (path: string): UsageError =>
  new UsageError(
    'QFH_OUTPUT_UNWRITABLE',
    `${path}: is a symbolic link; qfh does not write device data through one`,
    { hint: 'Remove the link, or give the real file name.' },
  );

/** How a private file is opened. */
export interface PrivateFileOptions {
  /**
   * `new`: the file must not exist (a name qfh chose itself, in a shared folder such as /tmp).
   * `replace`: a regular file already there is emptied and made private (a name the user gave).
   * @default 'replace'
   */
  readonly existing?: 'new' | 'replace';
}

/**
 * Opens `path` for writing as a private file.
 * @throws UsageError `QFH_OUTPUT_UNWRITABLE` when `path` is a symbolic link (or, with
 *   `existing: 'new'`, when anything is there already).
 */
export async function openPrivateFile(
  path: string,
  o: PrivateFileOptions = {},
): Promise<FileHandle> {
  const { O_WRONLY, O_CREAT, O_EXCL, O_TRUNC, O_NOFOLLOW } = constants;
  const flags = O_WRONLY | O_CREAT | O_NOFOLLOW | (o.existing === 'new' ? O_EXCL : O_TRUNC);
  let handle: FileHandle;
  try {
    handle = await open(path, flags, PRIVATE_FILE_MODE);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw throughLink(path);
    if (code === 'EEXIST')
      throw new UsageError('QFH_OUTPUT_UNWRITABLE', `${path}: is there already`, {
        hint: 'Remove it, or give another file name.',
      });
    throw e;
  }
  // A file that was there keeps its old mode through O_TRUNC: make it private too.
  await handle.chmod(PRIVATE_FILE_MODE);
  return handle;
}

/** {@link openPrivateFile} for code that writes synchronously (a capture that must survive a crash). */
export function openPrivateFileSync(path: string): number {
  const { O_WRONLY, O_CREAT, O_TRUNC, O_NOFOLLOW } = constants;
  let fd: number;
  try {
    fd = openSync(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, PRIVATE_FILE_MODE);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') throw throughLink(path);
    throw e;
  }
  fchmodSync(fd, PRIVATE_FILE_MODE);
  return fd;
}

/** Writes `data` to `path` as a private file. */
export async function writePrivateFile(
  path: string,
  data: string | Uint8Array,
  o: PrivateFileOptions = {},
): Promise<void> {
  const handle = await openPrivateFile(path, o);
  try {
    await handle.writeFile(data);
  } finally {
    await handle.close();
  }
}

/** A write stream on a private file (images read from a device). */
export async function privateWriteStream(
  path: string,
  o: PrivateFileOptions = {},
): Promise<WriteStream> {
  const handle = await openPrivateFile(path, o);
  return handle.createWriteStream();
}

/** Creates `path` (and its parents) as private folders; a folder already there is kept as is. */
export async function makePrivateFolder(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: PRIVATE_FOLDER_MODE });
}
