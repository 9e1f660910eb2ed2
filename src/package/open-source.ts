/**
 * The package source a path names: a folder, or a zip as downloaded (recognised by its
 * signature, or by its name when it is too damaged to have one).
 *
 * @module
 */
import { open } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { statPackagePath } from './stat-package.js';
import { PackageError } from '../errors.js';
import { folderSource } from './folder-source.js';
import type { PackageSource } from './package-source.js';
import { packageRootsIn } from './package-roots.js';
import { nativeCrc32 } from './native-crc32.js';
import { zipFileBytes } from './zip-file.js';
import { zipSource } from './zip-source.js';

/** Local file header, empty archive, spanned archive. */
const ZIP_SIGNATURES = ['504b0304', '504b0506', '504b0708'];

/** Whether the file at `path` is a zip (by its first bytes, or its name). */
export async function isZipFile(path: string): Promise<boolean> {
  if (/\.zip$/i.test(path)) return true;
  const handle = await open(path, 'r').catch(() => undefined);
  if (!handle) return false;
  try {
    const head = Buffer.alloc(4);
    await handle.read(head, 0, 4, 0);
    return ZIP_SIGNATURES.includes(head.toString('hex'));
  } finally {
    await handle.close();
  }
}

/**
 * The package a folder holds: the folder itself, or the one package a level or more down
 * (`unzip -d fw FW.zip` gives `fw/<package>/…`), read from there so that its name (the
 * firmware's identity) is the package's, as it is when the zip itself is given.
 */
async function packageFolder(path: string): Promise<PackageSource> {
  const source = await folderSource(path);
  const paths = (await source.list()).files.map((f) => f.path);
  const [only, ...more] = packageRootsIn(paths);
  // Only when nothing else is there: a folder given inside a package (update/) stays as it
  // is, and its PKG_NOT_ROOT finding says where the package is.
  const alone = only !== undefined && only !== '' && more.length === 0;
  return alone && paths.every((p) => p.startsWith(only))
    ? folderSource(join(source.location, ...only.split('/')))
    : source;
}

/**
 * Opens the package at `path`, a folder or a zip.
 * @throws PackageError when it is neither; ZipError for a damaged or hostile zip.
 */
export async function openPackageSource(path: string): Promise<PackageSource> {
  const info = await statPackagePath(path);
  if (info.isDirectory()) return packageFolder(path);
  if (info.isFile() && (await isZipFile(path))) {
    const location = resolve(path);
    return zipSource(await zipFileBytes(location), { location, crc32: nativeCrc32 });
  }
  throw new PackageError(
    'QFH_PACKAGE_NOT_FOUND',
    `${path} is neither a folder nor a zip: give the firmware package folder or its zip`,
  );
}
