/**
 * What a package says about the device it is for, read once: the storage kind and sector
 * size (from its program lines, by the storage-kind rules), the NAND geometry (from file
 * names such as `p2K_b128K` or header comments), and which programmer it would upload.
 *
 * @module
 */
import { programmerProblem, PROGRAMMER_HEAD_BYTES } from '../elf.js';
import { managedKindForSectorSize, storageTraits, type StorageKind } from '../storage-kind.js';
import { finding, type Finding } from './findings.js';
import { readStart, type PackageSource } from './package-source.js';
import type { ProgramList } from './program-list.js';

/** NAND geometry stated by the package (file names such as `p2K_b128K`, header comments). */
export interface NandGeometry {
  readonly pageSize: number;
  readonly blockSize: number;
}

/** The storage a package is for. */
export interface PackageStorage {
  readonly kind: StorageKind;
  /** The sector (NAND: page) size its program lines use. */
  readonly sectorSize: number;
}

type Lists = readonly { readonly path: string; readonly list: ProgramList }[];

/** The NAND geometry the package states, if it states one. */
export function geometryOf(rawprograms: Lists): NandGeometry | undefined {
  for (const { path, list } of rawprograms) {
    const m = /_p(\d+)K_b(\d+)K/i.exec(path);
    if (m) return { pageSize: Number(m[1]) * 1024, blockSize: Number(m[2]) * 1024 };
    const { pageSizeKiB, blockSizeKiB } = list.comments;
    if (pageSizeKiB !== undefined && blockSizeKiB !== undefined)
      return { pageSize: pageSizeKiB * 1024, blockSize: blockSizeKiB * 1024 };
  }
  return undefined;
}

/** The storage kind and sector size the package's lines are for. */
export function storageOf(rawprograms: Lists, geometry: NandGeometry | undefined): PackageStorage {
  const entries = rawprograms.flatMap((r) => r.list.entries);
  const sizes = entries.map((e) => e.sectorSize).filter((s): s is number => s !== undefined);
  const nand = geometry !== undefined || entries.some((e) => e.pagesPerBlock !== undefined);
  const stated = sizes[0] ?? geometry?.pageSize;
  if (nand) return { kind: 'nand', sectorSize: stated ?? storageTraits('nand').defaultSectorSize };
  const kind = managedKindForSectorSize(stated ?? storageTraits('emmc').defaultSectorSize);
  return { kind, sectorSize: stated ?? storageTraits(kind).defaultSectorSize };
}

/** The programmer qfh would upload: a `firehose` name first, one under `firehose/` next. */
export function pickProgrammer(candidates: readonly string[]): string | undefined {
  const score = (p: string): number =>
    (/firehose/i.test(p) ? 2 : 0) + (/\/firehose\//i.test(`/${p}`) ? 1 : 0);
  return [...candidates].sort((a, b) => score(b) - score(a) || (a < b ? -1 : 1))[0];
}

/** Findings about the package's programmer (moot when the user names one). */
export async function checkProgrammer(
  source: PackageSource,
  programmers: readonly { path: string; size: number }[],
  findings: Finding[],
): Promise<string | undefined> {
  const programmer = pickProgrammer(programmers.map((p) => p.path));
  if (!programmer) {
    findings.push(
      finding(
        'refuse',
        'PKG_NO_PROGRAMMER',
        'no Firehose programmer (prog_*firehose*.mbn/.elf) in the package',
        {
          flag: 'programmer',
        },
      ),
    );
    return undefined;
  }
  if (programmers.length > 1)
    findings.push(
      finding(
        'warn',
        'PKG_SEVERAL_PROGRAMMERS',
        `${programmers.length} programmers found; using ${programmer}`,
        {
          file: programmer,
          flag: 'programmer',
        },
      ),
    );
  const size = programmers.find((p) => p.path === programmer)?.size ?? 0;
  const problem = programmerProblem(
    await readStart(source, programmer, PROGRAMMER_HEAD_BYTES),
    size,
  );
  if (problem)
    findings.push(
      finding('refuse', 'PKG_PROGRAMMER_NOT_ELF', `${programmer} ${problem}`, {
        file: programmer,
        flag: 'programmer',
      }),
    );
  return programmer;
}
