/**
 * `readPackage()` on Node: the package a path names (a folder, or a zip as downloaded),
 * read and checked by the runtime-neutral reader with node:crypto's MD5.
 *
 * @module
 */
import { openPackageSource } from './open-source.js';
import type { PackageSource } from './package-source.js';
import {
  readPackageSource,
  type FirmwarePackage,
  type ReadPackageOptions,
} from './read-package.js';
import { md5Stream } from './verify-md5.js';
import { nativeCrc32 } from './native-crc32.js';

/**
 * Reads and checks the firmware package at `input` (a folder, a zip, or a package source).
 * @throws PackageError only when the package cannot be opened at all.
 */
export async function readPackage(
  input: string | PackageSource,
  options: ReadPackageOptions = {},
): Promise<FirmwarePackage> {
  const source = typeof input === 'string' ? await openPackageSource(input) : input;
  return readPackageSource(source, { ...options, md5: md5Stream, crc32: nativeCrc32 });
}
