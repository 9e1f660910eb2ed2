/**
 * A zip on disk as the runtime-neutral zip reader reads it: its size, and ranges read by
 * position. The file is opened for each read and closed after it, so no descriptor is held
 * while a flash waits on the modem (a router has few to spare); each read checks that the
 * file is still the one opened (inode, size, modification time), so a download replaced or
 * rewritten meanwhile fails the read instead of mixing old bytes with new.
 *
 * @module
 */
import { open } from 'node:fs/promises';
import { statPackagePath } from './stat-package.js';
import { PackageError, ZipError } from '../errors.js';
import type { ArchiveBytes } from './zip-archive.js';

/**
 * The bytes of the zip at `path`.
 * @throws PackageError when it cannot be read.
 */
export async function zipFileBytes(path: string): Promise<ArchiveBytes> {
  const info = await statPackagePath(path);
  return {
    size: info.size,
    async read(position, length) {
      const bytes = new Uint8Array(length);
      const handle = await open(path, 'r').catch((e: unknown) => {
        throw new PackageError(
          'QFH_PACKAGE_NOT_FOUND',
          `cannot read ${path}: ${(e as Error).message}`,
          {
            cause: e,
          },
        );
      });
      try {
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
        await handle.close();
      }
    },
  };
}
