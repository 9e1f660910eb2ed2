/**
 * For the few places that need a package file as a real file (the backup copies the
 * programmer into the folder it writes): the file itself in a folder package; for a zip, a
 * private temporary copy of just that one small file, removed by `remove()`. Images are
 * never copied this way: they stream from the archive.
 *
 * @module
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { readWhole, type PackageSource } from './package-source.js';

/** A package file on disk, for as long as it is needed. */
export interface FileOnDisk {
  readonly path: string;
  /** Removes the temporary copy (nothing for a folder package's own file). */
  remove(): Promise<void>;
}

/** Programmers are well under this; anything larger is not copied. */
const MAX_COPY = 16 << 20;

/** `path` of the package in `source` as a file on disk. */
export async function packageFileOnDisk(source: PackageSource, path: string): Promise<FileOnDisk> {
  if ((await stat(source.location)).isDirectory())
    return { path: join(source.location, ...path.split('/')), remove: () => Promise.resolve() };
  const bytes = await readWhole(source, path, MAX_COPY);
  const folder = await mkdtemp(join(tmpdir(), 'qfh-file-'));
  const copy = join(folder, basename(path));
  await writeFile(copy, bytes, { mode: 0o600 });
  return { path: copy, remove: () => rm(folder, { recursive: true, force: true }) };
}
