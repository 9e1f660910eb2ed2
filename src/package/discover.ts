/**
 * Sorts a package's files by role, by name: Firehose programmers, rawprogram and patch
 * lists, md5 manifests, contents.xml, NAND partition images. (The listing itself, which
 * skips AppleDouble `._*` forks that real Quectel archives ship, is the package source's.)
 *
 * @module
 */
import * as posix from '../posix-path.js';
import type { PackageEntry } from './package-source.js';

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

/** The listing with each file's role. */
export function classify(files: readonly PackageEntry[]): DiscoveredFile[] {
  return files.map((f) => ({ ...f, role: roleOf(posix.basename(f.path)) }));
}
