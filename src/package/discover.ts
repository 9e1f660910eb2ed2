/**
 * Lists a firmware folder and sorts its files by role: Firehose programmers,
 * rawprogram and patch lists, md5 manifests, contents.xml, NAND partition images.
 * AppleDouble (`._*`), `.DS_Store` and `__MACOSX/` are ignored: real Quectel archives ship
 * `._rawprogram…xml` forks that a naive glob picks up (research/captures.md §2.2).
 *
 * @module
 */
import { readdir, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';

/** Roles a package file can have. */
export type PackageRole =
  'programmer' | 'rawprogram' | 'patch' | 'md5' | 'contents' | 'mibib' | 'other';

/** One file found in the folder. */
export interface DiscoveredFile {
  /** Package-relative path, forward slashes. */
  readonly path: string;
  readonly size: number;
  readonly role: PackageRole;
}

/** The folder listing. */
export interface Discovery {
  readonly files: readonly DiscoveredFile[];
  /** Resource forks and Finder files that were skipped. */
  readonly ignored: readonly string[];
}

const JUNK = (name: string): boolean =>
  name.startsWith('._') || name === '.DS_Store' || name === '__MACOSX' || name === '.git';

/** The role of a file by its name. */
export function roleOf(name: string): PackageRole {
  const lower = name.toLowerCase();
  if (/^rawprogram.*\.xml$/.test(lower)) return 'rawprogram';
  if (/^patch.*\.xml$/.test(lower)) return 'patch';
  if (lower === 'md5.txt' || lower.endsWith('.md5')) return 'md5';
  if (lower === 'contents.xml') return 'contents';
  if (/^partition_complete_p\d+k_b\d+k\.mbn$/.test(lower)) return 'mibib';
  if (/\.(mbn|elf|melf)$/.test(lower) && (lower.startsWith('prog_') || lower.includes('firehose')))
    return 'programmer';
  return 'other';
}

/**
 * Walks `root` (at most `maxDepth` folders deep) and classifies every file.
 * @default maxDepth 6
 */
export async function discoverPackage(root: string, maxDepth = 6): Promise<Discovery> {
  const files: DiscoveredFile[] = [];
  const ignored: string[] = [];
  async function walk(dir: string, depth: number): Promise<void> {
    const entries = await readdir(join(root, dir), { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const rel = dir === '' ? entry.name : posix.join(dir, entry.name);
      if (JUNK(entry.name)) {
        ignored.push(rel);
        continue;
      }
      if (entry.isDirectory()) {
        if (depth < maxDepth) await walk(rel, depth + 1);
      } else if (entry.isFile() || entry.isSymbolicLink()) {
        const info = await stat(join(root, rel)).catch(() => undefined);
        if (info?.isFile()) files.push({ path: rel, size: info.size, role: roleOf(entry.name) });
      }
    }
  }
  await walk('', 0);
  return { files, ignored };
}
