/**
 * Resolves file names found in package manifests to paths inside the package, and
 * refuses any that leave it. Real rawprograms use Windows paths (`..\sbl1.mbn` from
 * `update/firehose/`); a name that climbs out of the package folder, or is absolute, could
 * make qfh read and flash any file on the host.
 *
 * @module
 */
import { PackageError } from '../errors.js';
import { join, normalize } from '../posix-path.js';

/**
 * The package-relative path (forward slashes) that `name`, written in a manifest stored in
 * `manifestDir` (package-relative), refers to.
 * @throws PackageError `QFH_PACKAGE_PATH_ESCAPE` when it resolves outside the package.
 */
export function resolvePackagePath(manifestDir: string, name: string): string {
  const slashed = name.replace(/\\/g, '/');
  if (slashed.startsWith('/') || /^[A-Za-z]:/.test(slashed)) {
    throw new PackageError(
      'QFH_PACKAGE_PATH_ESCAPE',
      `"${name}" is an absolute path; package files must be named relative to the package`,
    );
  }
  const joined = normalize(join(manifestDir === '' ? '.' : manifestDir, slashed));
  if (joined === '..' || joined.startsWith('../')) {
    throw new PackageError(
      'QFH_PACKAGE_PATH_ESCAPE',
      `"${name}" (in ${manifestDir || 'the package root'}) resolves outside the package folder`,
    );
  }
  return joined.replace(/^\.\//, '');
}
