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
import {
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  ftruncateSync,
  openSync,
  type Stats,
  type WriteStream,
} from 'node:fs';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { UsageError } from './errors.js';

/** Owner read and write only. */
export const PRIVATE_FILE_MODE = 0o600;
/** Owner only. */
export const PRIVATE_FOLDER_MODE = 0o700;

/**
 * This process's own descriptors (`--capture /dev/stdout | tshark -r -`, a shell's
 * `/dev/fd/63`): links by nature, and nobody else's file; written as they are.
 */
export const isOwnDescriptor = (path: string): boolean =>
  /^\/dev\/(?:stdout|stderr|fd\/\d+)$/.test(path);

/** A plain file of this user's with no other name (checked on what an open found there). */
function plainOwnFile(s: Stats): boolean {
  const uid = process.geteuid?.();
  return s.isFile() && s.nlink === 1 && (uid === undefined || s.uid === uid);
}

const notOurs = (path: string): UsageError =>
  new UsageError(
    'QFH_OUTPUT_UNWRITABLE',
    `${path}: is there already and is not a plain file of this user's; qfh does not write device data into it`,
    { hint: 'Remove it, or give another file name.' },
  );

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
  if (isOwnDescriptor(path) && o.existing !== 'new') return open(path, 'w');
  const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_NONBLOCK } = constants;
  // Not truncated on open: what is there is checked first. O_NONBLOCK: a FIFO planted at the
  // path does not hang the open.
  const flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | (o.existing === 'new' ? O_EXCL : 0);
  let handle: FileHandle;
  try {
    handle = await open(path, flags, PRIVATE_FILE_MODE);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw throughLink(path);
    if (code === 'ENXIO') throw notOurs(path); // a FIFO nobody reads
    if (code === 'EEXIST')
      throw new UsageError('QFH_OUTPUT_UNWRITABLE', `${path}: is there already`, {
        hint: 'Remove it, or give another file name.',
      });
    throw e;
  }
  // A file that was there must be a plain file of this user's with no other name: another
  // account's file in /tmp (or a hard link to one) would stay theirs, and readable by them.
  if (!plainOwnFile(await handle.stat())) {
    await handle.close();
    throw notOurs(path);
  }
  await handle.truncate(0);
  await handle.chmod(PRIVATE_FILE_MODE);
  return handle;
}

/** {@link openPrivateFile} for code that writes synchronously (a capture that must survive a crash). */
export function openPrivateFileSync(path: string): number {
  if (isOwnDescriptor(path)) return openSync(path, 'w');
  const { O_WRONLY, O_CREAT, O_NOFOLLOW, O_NONBLOCK } = constants;
  let fd: number;
  try {
    fd = openSync(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK, PRIVATE_FILE_MODE);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw throughLink(path);
    if (code === 'ENXIO') throw notOurs(path); // a FIFO nobody reads
    throw e;
  }
  if (!plainOwnFile(fstatSync(fd))) {
    closeSync(fd);
    throw notOurs(path);
  }
  ftruncateSync(fd, 0);
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
