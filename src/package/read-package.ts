/**
 * Reads a firmware folder into a {@link FirmwarePackage}: every manifest parsed, every
 * referenced file resolved inside the package, md5.txt verified by streaming, sparse
 * images indexed, and each problem recorded as a {@link Finding}. Nothing is thrown for
 * a bad package: the findings say what is wrong, so `qfh plan` can show all of them.
 *
 * @module
 */
import { open, readFile, realpath, stat } from 'node:fs/promises';
import { basename, join, posix } from 'node:path';
import { PackageError, QfhError } from '../errors.js';
import { indexSparseImage, isSparseImage, openRandomAccess } from '../sparse/index.js';
import { parseContentsManifest, type ContentsManifest } from './contents-manifest.js';
import { discoverPackage, type DiscoveredFile } from './discover.js';
import { expressionNeeds, isPlainNumber } from './expression.js';
import { finding, type Finding } from './findings.js';
import { parseMd5Manifest, type Md5Manifest } from './md5-manifest.js';
import { isInside, resolvePackagePath } from './package-paths.js';
import {
  parsePatchList,
  parseProgramList,
  type PatchEntry,
  type ProgramList,
  type ProgramListEntry,
} from './program-list.js';
import { md5File } from './verify-md5.js';

/** NAND geometry stated by the package (file names such as `p2K_b128K`, header comments). */
export interface NandGeometry {
  readonly pageSize: number;
  readonly blockSize: number;
}

/** A file a rawprogram entry or file patch refers to. */
export interface ReferencedFile {
  /** Verbatim name in the manifest (`..\sbl1.mbn`). */
  readonly name: string;
  /** Package-relative path it resolves to, or `undefined` if it escapes the package. */
  readonly path: string | undefined;
  readonly exists: boolean;
  readonly size: number | undefined;
  /** Whether the file starts with the Android sparse magic. */
  readonly sparse: boolean;
  /** Expanded size of a sparse image. */
  readonly expandedSize: number | undefined;
}

/** One rawprogram entry with the file it programs. */
export interface ImageReference {
  readonly rawprogram: string;
  readonly entry: ProgramListEntry;
  readonly file: ReferencedFile;
}

/** Result of checking one md5 manifest line. */
export interface Md5Check {
  readonly path: string;
  readonly expected: string;
  readonly actual: string | undefined;
  readonly status: 'ok' | 'mismatch' | 'absent';
}

/** Everything qfh knows about a firmware folder. */
export interface FirmwarePackage {
  /** Absolute path of the folder. */
  readonly root: string;
  /** Folder name, which often carries the firmware identity (`EG25GGBR07A08M2G_30.006.30.006`). */
  readonly name: string;
  readonly files: readonly DiscoveredFile[];
  readonly ignored: readonly string[];
  /** The Firehose programmer qfh would upload, package-relative. */
  readonly programmer: string | undefined;
  readonly programmers: readonly string[];
  readonly rawprograms: readonly { readonly path: string; readonly list: ProgramList }[];
  readonly patches: readonly { readonly path: string; readonly entries: readonly PatchEntry[] }[];
  readonly md5:
    | {
        readonly path: string;
        readonly manifest: Md5Manifest;
        readonly checks: readonly Md5Check[];
      }
    | undefined;
  readonly contents: { readonly path: string; readonly manifest: ContentsManifest } | undefined;
  readonly geometry: NandGeometry | undefined;
  readonly images: readonly ImageReference[];
  readonly findings: readonly Finding[];
}

/** Options for {@link readPackage}. */
export interface ReadPackageOptions {
  /** Verify md5.txt by hashing every listed file. @default true */
  verifyMd5?: boolean;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Reads and checks the firmware folder at `root`.
 * @throws PackageError only when `root` is not a readable folder.
 */
export async function readPackage(
  root: string,
  options: ReadPackageOptions = {},
): Promise<FirmwarePackage> {
  const info = await stat(root).catch((e: unknown) => {
    throw new PackageError('QFH_PACKAGE_NOT_FOUND', `cannot read ${root}: ${message(e)}`, {
      cause: e,
    });
  });
  if (!info.isDirectory())
    throw new PackageError('QFH_PACKAGE_NOT_FOUND', `${root} is not a folder`);
  const realRoot = await realpath(root);
  const { files, ignored } = await discoverPackage(realRoot);
  const findings: Finding[] = [];
  const byLowerPath = new Map(files.map((f) => [f.path.toLowerCase(), f]));
  const text = (path: string): Promise<string> => readFile(join(realRoot, path), 'utf8');

  if (ignored.some((p) => posix.basename(p).startsWith('._'))) {
    findings.push(
      finding(
        'info',
        'PKG_APPLEDOUBLE_IGNORED',
        `ignored ${ignored.length} macOS resource-fork/Finder file(s) such as ${ignored[0]}`,
      ),
    );
  }

  const parsed = async <T>(
    path: string,
    parse: (t: string, f: string) => T,
  ): Promise<T | undefined> => {
    try {
      return parse(await text(path), path);
    } catch (e) {
      findings.push(finding('refuse', 'PKG_MANIFEST_UNREADABLE', message(e), { file: path }));
      return undefined;
    }
  };

  const rawprograms: { path: string; list: ProgramList }[] = [];
  const patches: { path: string; entries: PatchEntry[] }[] = [];
  for (const f of files) {
    if (f.role === 'rawprogram') {
      const list = await parsed(f.path, parseProgramList);
      if (list) rawprograms.push({ path: f.path, list });
    } else if (f.role === 'patch') {
      const entries = await parsed(f.path, parsePatchList);
      if (entries) patches.push({ path: f.path, entries });
    }
  }
  if (rawprograms.length === 0 && !findings.some((x) => x.code === 'PKG_MANIFEST_UNREADABLE')) {
    findings.push(
      finding(
        'refuse',
        'PKG_NO_RAWPROGRAM',
        'no rawprogram*.xml in the folder: there is nothing to flash. Point qfh at the unpacked firmware folder',
      ),
    );
  }

  const programmers = files.filter((f) => f.role === 'programmer').map((f) => f.path);
  const programmer = pickProgrammer(programmers);
  if (!programmer) {
    findings.push(
      finding(
        'refuse',
        'PKG_NO_PROGRAMMER',
        'no Firehose programmer (prog_*firehose*.mbn/.elf) in the folder',
        { flag: '--programmer FILE' },
      ),
    );
  } else {
    if (programmers.length > 1)
      findings.push(
        finding(
          'warn',
          'PKG_SEVERAL_PROGRAMMERS',
          `${programmers.length} programmers found; using ${programmer}`,
          { file: programmer, flag: '--programmer FILE' },
        ),
      );
    const head = await readHead(join(realRoot, programmer), 4);
    if (!(head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46)) {
      findings.push(
        finding(
          'refuse',
          'PKG_PROGRAMMER_NOT_ELF',
          `${programmer} is not an ELF file, so no PBL will accept it`,
          { file: programmer, flag: '--programmer FILE' },
        ),
      );
    }
  }

  // Real packages name the same file many times (boot + recovery; thousands of entries in
  // large rawprograms): resolve each (folder, name) once.
  const resolved = new Map<string, Promise<ReferencedFile>>();
  const resolve = (manifest: string, name: string): Promise<ReferencedFile> => {
    const key = `${posix.dirname(manifest)}\0${name}`;
    let found = resolved.get(key);
    if (!found) resolved.set(key, (found = resolveOnce(manifest, name)));
    return found;
  };
  const resolveOnce = async (manifest: string, name: string): Promise<ReferencedFile> => {
    let path: string;
    try {
      path = resolvePackagePath(
        posix.dirname(manifest) === '.' ? '' : posix.dirname(manifest),
        name,
      );
    } catch (e) {
      findings.push(
        finding(
          'refuse',
          'PKG_PATH_ESCAPE',
          `${message(e)}; qfh never reads files outside the package`,
          { file: manifest },
        ),
      );
      return {
        name,
        path: undefined,
        exists: false,
        size: undefined,
        sparse: false,
        expandedSize: undefined,
      };
    }
    const found = byLowerPath.get(path.toLowerCase());
    if (!found)
      return { name, path, exists: false, size: undefined, sparse: false, expandedSize: undefined };
    const absolute = await realpath(join(realRoot, found.path));
    if (!isInside(realRoot, absolute)) {
      findings.push(
        finding(
          'refuse',
          'PKG_PATH_ESCAPE',
          `${found.path} is a link to ${absolute}, outside the package; qfh never reads files outside the package`,
          { file: found.path },
        ),
      );
      return {
        name,
        path: undefined,
        exists: false,
        size: undefined,
        sparse: false,
        expandedSize: undefined,
      };
    }
    if (found.path !== path)
      findings.push(
        finding('info', 'PKG_NAME_CASE', `"${name}" matched ${found.path} only ignoring case`, {
          file: manifest,
        }),
      );
    const sparse = isSparseImage(await readHead(absolute, 4));
    return {
      name,
      path: found.path,
      exists: true,
      size: found.size,
      sparse,
      expandedSize: sparse ? await sparseSize(absolute, found.path, findings) : undefined,
    };
  };

  const images: ImageReference[] = [];
  const seenMissing = new Set<string>();
  for (const { path: manifest, list } of rawprograms) {
    for (const entry of list.entries) {
      checkEntry(entry, manifest, findings);
      if (entry.tag !== 'program' || !entry.filename) continue;
      const file = await resolve(manifest, entry.filename);
      images.push({ rawprogram: manifest, entry, file });
      if (file.path !== undefined && !file.exists && !seenMissing.has(file.path)) {
        seenMissing.add(file.path);
        findings.push(
          finding(
            'refuse',
            'PKG_FILE_MISSING',
            `${manifest} programs "${entry.filename}" (${entry.label ?? 'no label'}), which is not in the package (${file.path})`,
            { file: file.path, flag: '--skip-missing' },
          ),
        );
      }
      checkFit(entry, file, manifest, findings);
    }
  }
  for (const { path: manifest, entries } of patches) {
    for (const name of new Set(entries.map((p) => p.filename).filter((n) => n !== 'DISK'))) {
      const file = await resolve(manifest, name);
      if (file.path !== undefined && !file.exists)
        findings.push(
          finding(
            'warn',
            'PKG_PATCH_TARGET_MISSING',
            `${manifest} patches "${name}", which is not in the package`,
            { file: manifest },
          ),
        );
    }
    for (const p of entries) {
      if (
        expressionNeeds(p.value.expr).ambiguous ||
        expressionNeeds(p.startSector.expr).ambiguous
      ) {
        findings.push(
          finding(
            'warn',
            'PKG_AMBIGUOUS_NUMBER',
            `patch ${p.index + 1} uses a bare number in "${p.startSector.text}"/"${p.value.text}"; qfh reads it as decimal (ptool marks decimals with a trailing dot)`,
            { file: manifest },
          ),
        );
      }
    }
  }

  const md5 = await checkMd5(realRoot, files, options.verifyMd5 ?? true, findings, text);
  const contentsFile = files.find((f) => f.role === 'contents');
  const contentsManifest = contentsFile
    ? await parsed(contentsFile.path, parseContentsManifest)
    : undefined;

  return {
    root: realRoot,
    name: basename(realRoot),
    files,
    ignored,
    programmer,
    programmers,
    rawprograms,
    patches,
    md5,
    contents:
      contentsFile && contentsManifest
        ? { path: contentsFile.path, manifest: contentsManifest }
        : undefined,
    geometry: geometryOf(rawprograms),
    images,
    findings,
  };
}

function pickProgrammer(candidates: readonly string[]): string | undefined {
  const score = (p: string): number =>
    (/firehose/i.test(p) ? 2 : 0) + (/\/firehose\//i.test(`/${p}`) ? 1 : 0);
  return [...candidates].sort((a, b) => score(b) - score(a) || (a < b ? -1 : 1))[0];
}

/** The first `n` bytes of a file (fewer if it is shorter). */
export async function readHead(path: string, n: number): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(n);
    const { bytesRead } = await handle.read(buffer, 0, n, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

async function sparseSize(
  absolute: string,
  path: string,
  findings: Finding[],
): Promise<number | undefined> {
  const source = await openRandomAccess(absolute);
  try {
    return (await indexSparseImage(source)).expandedSize;
  } catch (e) {
    if (!(e instanceof QfhError)) throw e;
    findings.push(
      finding('refuse', 'PKG_SPARSE_CORRUPT', `${path} is a damaged sparse image: ${e.message}`, {
        file: path,
      }),
    );
    return undefined;
  } finally {
    await source.close();
  }
}

function checkEntry(entry: ProgramListEntry, manifest: string, findings: Finding[]): void {
  if (entry.tag === 'erase') {
    if (entry.attributes.length === 0) {
      findings.push(
        finding(
          'refuse',
          'PKG_ERASE_WHOLE_DEVICE',
          `${manifest} entry ${entry.index + 1} is an <erase> with no attributes: programmers erase the whole device for it`,
          { file: manifest },
        ),
      );
    } else if (entry.startSector === undefined && entry.vendor === undefined) {
      findings.push(
        finding(
          'refuse',
          'PKG_ERASE_NO_RANGE',
          `${manifest} entry ${entry.index + 1} is an <erase> without start_sector`,
          { file: manifest },
        ),
      );
    } else if (entry.vendor !== undefined) {
      findings.push(
        finding(
          'info',
          'PKG_VENDOR_ERASE',
          `${manifest} entry ${entry.index + 1} is a vendor="${entry.vendor}" erase; it is sent verbatim with every attribute`,
          { file: manifest },
        ),
      );
    }
  }
  if (entry.sparse && entry.filename === '') return;
  if (
    entry.tag === 'program' &&
    entry.filename !== '' &&
    entry.filename !== undefined &&
    entry.sectorSize === undefined
  ) {
    findings.push(
      finding(
        'refuse',
        'PKG_NO_SECTOR_SIZE',
        `${manifest} entry ${entry.index + 1} (${entry.filename}) has no SECTOR_SIZE_IN_BYTES`,
        { file: manifest },
      ),
    );
  }
}

function checkFit(
  entry: ProgramListEntry,
  file: ReferencedFile,
  manifest: string,
  findings: Finding[],
): void {
  const sectors = entry.numSectors;
  if (
    !file.exists ||
    entry.sectorSize === undefined ||
    sectors === undefined ||
    !isPlainNumber(sectors.text)
  )
    return;
  const capacity = BigInt(Number.parseInt(sectors.text, 10)) * BigInt(entry.sectorSize);
  if (capacity === 0n) return; // "grow" entries: sized from the disk at plan time
  const bytes =
    BigInt((entry.sparse && file.sparse ? file.expandedSize : file.size) ?? 0) -
    entry.fileSectorOffset * BigInt(entry.sectorSize);
  if (bytes > capacity) {
    findings.push(
      finding(
        'refuse',
        'PKG_IMAGE_TOO_LARGE',
        `${file.path} is ${bytes} bytes but ${entry.label ?? 'its partition'} at sector ${entry.startSector?.text} holds ${capacity}; qfh never truncates an image`,
        { file: manifest },
      ),
    );
  }
}

async function checkMd5(
  root: string,
  files: readonly DiscoveredFile[],
  verify: boolean,
  findings: Finding[],
  text: (p: string) => Promise<string>,
): Promise<FirmwarePackage['md5']> {
  // QFirehose's md5.txt is authoritative; an md5sum-style quectel.md5 is the fallback.
  const candidates = files
    .filter((f) => f.role === 'md5')
    .sort(
      (a, b) =>
        Number(posix.basename(b.path) === 'md5.txt') - Number(posix.basename(a.path) === 'md5.txt'),
    );
  const chosen = candidates[0];
  if (!chosen) {
    findings.push(
      finding(
        'warn',
        'PKG_NO_MD5',
        'no md5.txt: qfh cannot tell whether the images arrived intact',
      ),
    );
    return undefined;
  }
  let manifest: Md5Manifest;
  try {
    manifest = parseMd5Manifest(await text(chosen.path), chosen.path);
  } catch (e) {
    findings.push(
      finding('refuse', 'PKG_MANIFEST_UNREADABLE', message(e), {
        file: chosen.path,
        flag: '--allow-md5-mismatch',
      }),
    );
    return undefined;
  }
  const base = posix.dirname(chosen.path) === '.' ? '' : posix.dirname(chosen.path);
  const byLower = new Map(files.map((f) => [f.path.toLowerCase(), f.path]));
  const checks: Md5Check[] = [];
  for (const entry of manifest.entries) {
    const rel = posix.join(base, entry.path);
    const actualPath = byLower.get(rel.toLowerCase());
    if (rel === chosen.path) continue; // md5sum manifests hash themselves
    if (!actualPath) {
      checks.push({ path: rel, expected: entry.md5, actual: undefined, status: 'absent' });
      findings.push(
        finding(
          'info',
          'PKG_MD5_LISTED_ABSENT',
          `${chosen.path} lists ${rel}, which is not in the package`,
          { file: rel },
        ),
      );
      continue;
    }
    if (!verify) continue;
    const actual = await md5File(join(root, actualPath));
    const ok = actual === entry.md5;
    checks.push({ path: actualPath, expected: entry.md5, actual, status: ok ? 'ok' : 'mismatch' });
    if (!ok) {
      findings.push(
        finding(
          'refuse',
          'PKG_MD5_MISMATCH',
          `${actualPath} has md5 ${actual}, ${chosen.path} says ${entry.md5}: the file is damaged or not from this firmware`,
          { file: actualPath, flag: '--allow-md5-mismatch' },
        ),
      );
    }
  }
  return { path: chosen.path, manifest, checks };
}

function geometryOf(
  rawprograms: readonly { path: string; list: ProgramList }[],
): NandGeometry | undefined {
  for (const { path, list } of rawprograms) {
    const m = /_p(\d+)K_b(\d+)K/i.exec(path);
    if (m) return { pageSize: Number(m[1]) * 1024, blockSize: Number(m[2]) * 1024 };
    const { pageSizeKiB, blockSizeKiB } = list.comments;
    if (pageSizeKiB !== undefined && blockSizeKiB !== undefined)
      return { pageSize: pageSizeKiB * 1024, blockSize: blockSizeKiB * 1024 };
  }
  return undefined;
}
