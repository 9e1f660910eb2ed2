/**
 * Checks a package against its md5 manifest by streaming every listed file through MD5
 * (never loading an image). Stricter than QFirehose (captures.md §1.8): a package without
 * md5.txt, a file whose md5 differs, and a file qfh would send that md5.txt does not list
 * are each a refusal, with its own accept flag. A listed file the package lacks is only
 * noted (real md5.txt files list `targetfiles.zip`, which is never shipped).
 *
 * @module
 */
import { utf8 } from '../bytes.js';
import { QfhError } from '../errors.js';
import { basename, dirname, join } from '../posix-path.js';
import { finding, type Finding } from './findings.js';
import { parseMd5Manifest, type Md5Manifest } from './md5-manifest.js';
import type { PackageEntry, PackageSource } from './package-source.js';
import { readWhole } from './package-source.js';
import type { Md5Digest } from './portable-md5.js';

/** Result of checking one md5 manifest line. */
export interface Md5Check {
  readonly path: string;
  readonly expected: string;
  readonly actual: string | undefined;
  readonly status: 'ok' | 'mismatch' | 'absent';
}

/** The manifest and what checking it found. */
export interface Md5Result {
  readonly path: string;
  readonly manifest: Md5Manifest;
  readonly checks: readonly Md5Check[];
}

/** What to check. */
export interface Md5Request {
  readonly files: readonly PackageEntry[];
  /** Files qfh would send (images, the programmer, patched tables): each must be listed. */
  readonly used: readonly string[];
  /** Hash the files (off: only the manifest is read). */
  readonly verify: boolean;
  /** How to hash them (the runtime's fastest MD5). */
  readonly md5: Md5Digest;
}

const MANIFEST_MAX = 1 << 20;

/** Checks the package against its md5 manifest; findings go to `findings`. */
export async function checkMd5(
  source: PackageSource,
  request: Md5Request,
  findings: Finding[],
): Promise<Md5Result | undefined> {
  const chosen = pickManifest(request.files);
  if (!chosen) {
    findings.push(
      finding(
        'refuse',
        'PKG_NO_MD5',
        'the package has no md5.txt: nothing proves its images arrived intact',
        {
          flag: 'allow-missing-md5',
        },
      ),
    );
    return undefined;
  }
  let manifest: Md5Manifest;
  try {
    const text = utf8(await readWhole(source, chosen.path, MANIFEST_MAX));
    manifest = parseMd5Manifest(text, chosen.path);
  } catch (e) {
    if (!(e instanceof QfhError)) throw e;
    findings.push(
      finding('refuse', 'PKG_MANIFEST_UNREADABLE', e.message, {
        file: chosen.path,
        flag: 'allow-md5-mismatch',
      }),
    );
    return undefined;
  }
  const checks = await checkListed(source, { chosen: chosen.path, manifest, request }, findings);
  const base = dirname(chosen.path) === '.' ? '' : dirname(chosen.path);
  const listed = new Set(manifest.entries.map((e) => join(base, e.path).toLowerCase()));
  checkCoverage(chosen.path, listed, request.used, findings);
  return { path: chosen.path, manifest, checks };
}

/** QFirehose's md5.txt is authoritative; an md5sum-style `*.md5` is the fallback. */
function pickManifest(files: readonly PackageEntry[]): PackageEntry | undefined {
  const candidates = files.filter((f) => {
    const name = basename(f.path).toLowerCase();
    return name === 'md5.txt' || name.endsWith('.md5');
  });
  const isTxt = (f: PackageEntry): number => Number(basename(f.path).toLowerCase() === 'md5.txt');
  return candidates.sort((a, b) => isTxt(b) - isTxt(a) || a.path.length - b.path.length)[0];
}

async function checkListed(
  source: PackageSource,
  c: { chosen: string; manifest: Md5Manifest; request: Md5Request },
  findings: Finding[],
): Promise<Md5Check[]> {
  const base = dirname(c.chosen) === '.' ? '' : dirname(c.chosen);
  const byLower = new Map(c.request.files.map((f) => [f.path.toLowerCase(), f.path]));
  const checks: Md5Check[] = [];
  for (const entry of c.manifest.entries) {
    const rel = join(base, entry.path);
    if (rel === c.chosen) continue; // md5sum manifests hash themselves
    const actualPath = byLower.get(rel.toLowerCase());
    if (!actualPath) {
      checks.push({ path: rel, expected: entry.md5, actual: undefined, status: 'absent' });
      findings.push(
        finding(
          'info',
          'PKG_MD5_LISTED_ABSENT',
          `${c.chosen} lists ${rel}, which is not in the package`,
          {
            file: rel,
          },
        ),
      );
      continue;
    }
    if (!c.request.verify) continue;
    const actual = await c.request.md5(source.stream(actualPath));
    const ok = actual === entry.md5;
    checks.push({ path: actualPath, expected: entry.md5, actual, status: ok ? 'ok' : 'mismatch' });
    if (!ok)
      findings.push(
        finding(
          'refuse',
          'PKG_MD5_MISMATCH',
          `${actualPath} has md5 ${actual}, ${c.chosen} says ${entry.md5}: the file is damaged or not from this firmware`,
          { file: actualPath, flag: 'allow-md5-mismatch' },
        ),
      );
  }
  return checks;
}

function checkCoverage(
  manifestPath: string,
  listed: ReadonlySet<string>,
  used: readonly string[],
  findings: Finding[],
): void {
  for (const path of new Set(used)) {
    if (listed.has(path.toLowerCase())) continue;
    findings.push(
      finding(
        'refuse',
        'PKG_MD5_UNLISTED',
        `${path} is not listed in ${manifestPath}: nothing proves it belongs to this firmware`,
        { file: path, flag: 'allow-unlisted-image' },
      ),
    );
  }
}
