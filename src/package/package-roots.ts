/**
 * Where packages start among the files of a folder or zip. A Quectel package has md5.txt at
 * its root (update/ beside it); an Android-style one has its rawprogram*.xml there. The
 * folder a user names may hold one package a level or two down (`unzip -d fw FW.zip` gives
 * `fw/<package>/…`), or several packages side by side, which must never merge into one plan.
 *
 * @module
 */

const folderOf = (path: string): string =>
  path.includes('/') ? path.slice(0, path.lastIndexOf('/') + 1) : '';
const nameOf = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/**
 * The package roots among `paths` (package-relative, forward slashes), outermost only, as
 * folder prefixes (`''` for the top, `fw/EG25…/` below it), sorted.
 */
export function packageRootsIn(paths: readonly string[]): string[] {
  const real = paths.filter((p) => !nameOf(p).startsWith('._'));
  const md5Roots = real.filter((p) => /^md5\.txt$/i.test(nameOf(p))).map(folderOf);
  const roots = new Set(md5Roots);
  for (const p of real)
    if (/^rawprogram[^/]*\.xml$/i.test(nameOf(p))) {
      // Quectel keeps its rawprograms in update/firehose/ (or update/): the package is above.
      const dir = folderOf(p).replace(/(^|\/)update\/(?:firehose\/)?$/i, '$1');
      if (!md5Roots.some((r) => dir.startsWith(r))) roots.add(dir);
    }
  return [...roots].filter((r) => ![...roots].some((o) => o !== r && r.startsWith(o))).sort();
}
