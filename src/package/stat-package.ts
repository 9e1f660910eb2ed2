/**
 * What is at a package path the user gave (a folder, a zip), or the one error that says it
 * cannot be read: the same words whether the folder or the zip reader asks.
 *
 * @module
 */
import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { PackageError } from '../errors.js';

/**
 * `stat` of `path`.
 * @throws PackageError `QFH_PACKAGE_NOT_FOUND` when it cannot be read.
 */
export function statPackagePath(path: string): Promise<Stats> {
  return stat(path).catch((e: unknown) => {
    throw new PackageError(
      'QFH_PACKAGE_NOT_FOUND',
      `cannot read ${path}: ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  });
}
