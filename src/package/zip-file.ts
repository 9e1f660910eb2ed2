/**
 * A zip on disk as the runtime-neutral zip reader reads it: its size, and ranges read by
 * position. A descriptor is held only while reads come (a router has few to spare). Old
 * bytes are never mixed with new: each read checks that the file is still the one first seen
 * (inode, size, modification time), so a download rewritten in place fails the next read, and
 * one replaced by another file fails the first read after the descriptor was let go (until
 * then the reads come from the file first opened).
 *
 * @module
 */
import { open, type FileHandle } from 'node:fs/promises';
import { statPackagePath } from './stat-package.js';
import { PackageError, ZipError } from '../errors.js';
import type { ArchiveBytes } from './zip-archive.js';

/** How long a handle is kept after the last read: the next read of a stream comes sooner. */
const KEEP_MS = 1000;

/**
 * The bytes of the zip at `path`.
 * @throws PackageError when it cannot be read.
 */
export async function zipFileBytes(path: string): Promise<Exclude<ArchiveBytes, Uint8Array>> {
  const info = await statPackagePath(path);
  const handles = new HandleKeeper(path);
  return {
    size: info.size,
    async read(position, length) {
      const bytes = new Uint8Array(length);
      const taken = handles.take();
      try {
        const handle = await taken;
        const now = await handle.stat();
        if (now.ino !== info.ino || now.size !== info.size || now.mtimeMs !== info.mtimeMs)
          throw new ZipError(
            'QFH_ZIP_TRUNCATED',
            `${path} changed while qfh was reading it (replaced or rewritten): wait for the download to finish, then run qfh again`,
          );
        const { bytesRead } = await handle.read(bytes, 0, length, position);
        if (bytesRead < length)
          throw new ZipError(
            'QFH_ZIP_TRUNCATED',
            `${path} ends at byte ${position + bytesRead}, where it held ${info.size} bytes when opened: the file was cut short`,
          );
        return bytes;
      } finally {
        handles.give();
      }
    },
  };
}

/**
 * One descriptor shared by the reads in flight and kept a moment after the last: an entry
 * streamed in pieces then costs a stat and a read per piece, not also an open and a close
 * (each a trip through libuv's thread pool, which a loaded machine makes slow), and no
 * descriptor is held while the flash waits on the modem between images.
 */
class HandleKeeper {
  private handle: Promise<FileHandle> | undefined;
  private users = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly path: string) {}

  take(): Promise<FileHandle> {
    clearTimeout(this.timer);
    this.users++;
    this.handle ??= open(this.path, 'r').catch((e: unknown) => {
      this.handle = undefined;
      throw new PackageError(
        'QFH_PACKAGE_NOT_FOUND',
        `cannot read ${this.path}: ${(e as Error).message}`,
        {
          cause: e,
        },
      );
    });
    // A failed open is given back by its caller's finally, like any other.
    return this.handle;
  }

  give(): void {
    this.users--;
    if (this.users > 0) return;
    this.timer = setTimeout(() => {
      const handle = this.handle;
      this.handle = undefined;
      void handle?.then((h) => h.close()).catch(() => undefined);
    }, KEEP_MS);
    this.timer.unref();
  }
}
