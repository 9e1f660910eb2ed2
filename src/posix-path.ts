/**
 * Package-relative paths (forward slashes, as manifests and zips name files), handled
 * without `node:path`, so the package reader and the planner run on any JavaScript
 * runtime. Only what the package code needs: these are names inside a package, never host
 * paths.
 *
 * @module
 */

/** The last segment of `path` (`update/sbl1.mbn` → `sbl1.mbn`). */
export function basename(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/**
 * Everything before the last segment, `.` when there is none (as `path.posix.dirname` for
 * the relative names packages hold; a bare `/` is not one of them).
 */
export function dirname(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  const at = trimmed.lastIndexOf('/');
  if (at < 0) return '.';
  return at === 0 ? '/' : trimmed.slice(0, at);
}

/**
 * `.` and `..` segments resolved, repeated slashes folded (`a/./b/../c` → `a/c`); unlike
 * `path.posix.normalize`, a trailing slash is dropped (package names are files).
 */
export function normalize(path: string): string {
  const absolute = path.startsWith('/');
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else if (part !== '..' || !absolute) out.push(part);
  }
  const joined = out.join('/');
  return absolute ? `/${joined}` : joined === '' ? '.' : joined;
}

/** The segments joined and normalised. */
export function join(...parts: string[]): string {
  return normalize(parts.filter((p) => p !== '').join('/'));
}
