/**
 * Reads a firmware package into a {@link FirmwarePackage}: every manifest parsed, every
 * referenced file resolved inside the package, sparse images indexed (once: the plan uses
 * these indexes), the small files patched on the host read, md5.txt verified by streaming,
 * and each problem recorded as a {@link Finding}. Nothing is thrown for a bad package: the
 * findings say what is wrong, so `qfh plan` can show all of them.
 *
 * @module
 */
import * as posix from '../posix-path.js';
import { utf8 } from '../bytes.js';
import { QfhError } from '../errors.js';
import type { ContentsManifest } from './contents-manifest.js';
import { parseContentsManifest } from './contents-manifest.js';
import { classify, type DiscoveredFile } from './discover.js';
import { checkEntry, checkFit } from './entry-checks.js';
import { finding, type Finding } from './findings.js';
import { checkMd5, type Md5Result } from './md5-check.js';
import {
  checkProgrammer,
  geometryOf,
  storageOf,
  type NandGeometry,
  type PackageStorage,
} from './package-facts.js';
import { FileResolver, type ReferencedFile } from './package-files.js';
import { packageRootsIn } from './package-roots.js';
import { readPatchTargets } from './patch-targets.js';
import { readWhole, type PackageSource } from './package-source.js';
import { portableMd5, type Md5Digest } from './portable-md5.js';
import {
  parsePatchList,
  parseProgramList,
  type PatchEntry,
  type ProgramList,
  type ProgramListEntry,
} from './program-list.js';

export type { Md5Check } from './md5-check.js';
export type { NandGeometry, PackageStorage } from './package-facts.js';
export type { ReferencedFile } from './package-files.js';

/** One rawprogram entry with the file it programs. */
export interface ImageReference {
  readonly rawprogram: string;
  readonly entry: ProgramListEntry;
  readonly file: ReferencedFile;
}

/** Everything qfh knows about a firmware package. */
export interface FirmwarePackage {
  /** Where its bytes are read from (the flash streams images through it). */
  readonly source: PackageSource;
  /** Absolute path of the folder (or archive). */
  readonly root: string;
  /** Its name, which often carries the firmware identity (`EG25GGBR07A08M2G_30.006.30.006`). */
  readonly name: string;
  readonly files: readonly DiscoveredFile[];
  readonly ignored: readonly string[];
  /** The Firehose programmer qfh would upload, package-relative. */
  readonly programmer: string | undefined;
  readonly programmers: readonly string[];
  readonly rawprograms: readonly { readonly path: string; readonly list: ProgramList }[];
  readonly patches: readonly { readonly path: string; readonly entries: readonly PatchEntry[] }[];
  readonly md5: Md5Result | undefined;
  readonly contents: { readonly path: string; readonly manifest: ContentsManifest } | undefined;
  readonly geometry: NandGeometry | undefined;
  /** The storage the package is for. */
  readonly storage: PackageStorage;
  readonly images: readonly ImageReference[];
  /** Bytes of the files patched on the host (gpt_main0.bin, the NAND MIBIB), by path. */
  readonly patchTargets: ReadonlyMap<string, Uint8Array>;
  readonly findings: readonly Finding[];
}

/** Options for {@link readPackage}. */
export interface ReadPackageOptions {
  /** Verify md5.txt by hashing every listed file. @default true */
  verifyMd5?: boolean;
}

/** Options for {@link readPackageSource}: those of {@link readPackage}, and the MD5 to use. */
export interface ReadSourceOptions extends ReadPackageOptions {
  /** MD5 of a stream of bytes. @default `portableMd5` (pure JavaScript) */
  md5?: Md5Digest;
  /** CRC-32 for sparse images with CRC32 chunks. @default the portable one (`src/crc32.ts`) */
  crc32?: ((data: Uint8Array, previous?: number) => number) | undefined;
}

const MANIFEST_MAX = 16 << 20;

/**
 * Reads and checks the firmware package behind `source`, on any JavaScript runtime (Node's
 * `readPackage()` opens a folder or zip by path and calls this).
 * @throws PackageError only when the package cannot be read at all.
 */
export async function readPackageSource(
  source: PackageSource,
  options: ReadSourceOptions = {},
): Promise<FirmwarePackage> {
  const listing = await source.list();
  const files = classify(listing.files);
  const findings: Finding[] = [];
  noteListing(listing, files, findings);
  findings.push(...severalPackages(source.location, listing.files)); // first: it explains the rest
  const { rawprograms, patches, contents } = await readManifests(source, files, findings);
  const programmers = files.filter((f) => f.role === 'programmer');
  const programmer = await checkProgrammer(source, programmers, findings);
  const resolver = new FileResolver(source, listing.files, findings, options.crc32);
  const images = await readImages(resolver, rawprograms, findings);
  const patchTargets = await readPatchTargets(source, { resolver, patches, findings });
  const used = [
    ...images.flatMap((i) => (i.file.exists && i.file.path ? [i.file.path] : [])),
    ...patchTargets.keys(),
    ...(programmer ? [programmer] : []),
  ];
  const md5 = await checkMd5(
    source,
    { files, used, verify: options.verifyMd5 ?? true, md5: options.md5 ?? portableMd5 },
    findings,
  );
  findings.unshift(...insideFindings(source.location, findings));
  const geometry = geometryOf(rawprograms);
  return {
    source,
    root: source.location,
    name: source.name,
    files,
    ignored: listing.ignored,
    programmer,
    programmers: programmers.map((p) => p.path),
    rawprograms,
    patches,
    md5,
    contents,
    geometry,
    storage: storageOf(rawprograms, geometry),
    images,
    patchTargets,
    findings,
  };
}

/**
 * Pointed at `update/firehose` (or `update`) of a Quectel package, the manifests name files a
 * level up and md5.txt is out of reach: say where the root is, in one finding, instead of
 * leaving the user with a list of escapes.
 */
function insideFindings(location: string, findings: readonly Finding[]): Finding[] {
  const escaped = findings.some((f) => f.code === 'PKG_PATH_ESCAPE' || f.code === 'PKG_NO_MD5');
  const here = posix.basename(location).toLowerCase();
  const parent = posix.basename(posix.dirname(location)).toLowerCase();
  const root =
    here === 'firehose' && parent === 'update'
      ? posix.dirname(posix.dirname(location))
      : here === 'update'
        ? posix.dirname(location)
        : undefined;
  if (!escaped || root === undefined) return [];
  return [
    finding(
      'refuse',
      'PKG_NOT_ROOT',
      `${location} is a folder inside a firmware package; the package is ${root}: run the command on that folder`,
    ),
  ];
}

/** Two packages side by side would merge into one plan that writes each boot image twice. */
function severalPackages(location: string, files: readonly { path: string }[]): Finding[] {
  const roots = packageRootsIn(files.map((f) => f.path));
  if (roots.length < 2) return [];
  const named = roots.map((r) => (r === '' ? '.' : r.replace(/\/$/, '')));
  return [
    finding(
      'refuse',
      'PKG_SEVERAL_PACKAGES',
      `${location} holds ${roots.length} firmware packages (${named.join(', ')}); qfh flashes one package at a time: run the command on one of them (${posix.join(location, named[0] ?? '')})`,
    ),
  ];
}

function noteListing(
  listing: Awaited<ReturnType<PackageSource['list']>>,
  files: readonly DiscoveredFile[],
  findings: Finding[],
): void {
  if (listing.ignored.some((p) => posix.basename(p).startsWith('._')))
    findings.push(
      finding(
        'info',
        'PKG_APPLEDOUBLE_IGNORED',
        `ignored ${listing.ignored.length} macOS resource-fork/Finder file(s) such as ${listing.ignored[0]}`,
      ),
    );
  for (const { path, target } of listing.escapes)
    findings.push(
      finding(
        'refuse',
        'PKG_PATH_ESCAPE',
        `${path} is a link to ${target}, outside the package; qfh never reads files outside the package`,
        {
          file: path,
        },
      ),
    );
  if (files.length === 0)
    findings.push(finding('refuse', 'PKG_EMPTY', 'the package holds no files'));
  // Files, but none a firmware package is made of: the user named the wrong folder. Said
  // first and whole, so no one reads a plan of an unrelated folder's "2 steps".
  else if (files.every((f) => f.role === 'other'))
    findings.push(
      finding(
        'refuse',
        'PKG_NOT_FIRMWARE',
        'this is not a firmware package: it holds no rawprogram*.xml, no Firehose programmer and no md5.txt. Point qfh at the firmware package root (the folder holding md5.txt and update/), or its zip',
      ),
    );
}

async function readManifests(
  source: PackageSource,
  files: readonly DiscoveredFile[],
  findings: Finding[],
): Promise<{
  rawprograms: { path: string; list: ProgramList }[];
  patches: { path: string; entries: PatchEntry[] }[];
  contents: FirmwarePackage['contents'];
}> {
  const parsed = async <T>(
    path: string,
    parse: (t: string, f: string) => T,
  ): Promise<T | undefined> => {
    try {
      const text = utf8(await readWhole(source, path, MANIFEST_MAX));
      return parse(text, path);
    } catch (e) {
      if (!(e instanceof QfhError)) throw e;
      findings.push(finding('refuse', 'PKG_MANIFEST_UNREADABLE', e.message, { file: path }));
      return undefined;
    }
  };
  const rawprograms: { path: string; list: ProgramList }[] = [];
  const patches: { path: string; entries: PatchEntry[] }[] = [];
  let contents: FirmwarePackage['contents'];
  for (const f of files) {
    if (f.role === 'rawprogram') {
      const list = await parsed(f.path, parseProgramList);
      if (list) rawprograms.push({ path: f.path, list });
    } else if (f.role === 'patch') {
      const entries = await parsed(f.path, parsePatchList);
      if (entries) patches.push({ path: f.path, entries });
    } else if (f.role === 'contents' && !contents) {
      const manifest = await parsed(f.path, parseContentsManifest);
      if (manifest) contents = { path: f.path, manifest };
    }
  }
  if (rawprograms.length === 0 && !findings.some((x) => x.code === 'PKG_MANIFEST_UNREADABLE'))
    findings.push(
      finding(
        'refuse',
        'PKG_NO_RAWPROGRAM',
        'no rawprogram*.xml in the package: there is nothing to flash. Point qfh at the firmware package root (the folder holding md5.txt and update/), or its zip',
      ),
    );
  return { rawprograms, patches, contents };
}

async function readImages(
  resolver: FileResolver,
  rawprograms: readonly { path: string; list: ProgramList }[],
  findings: Finding[],
): Promise<ImageReference[]> {
  const images: ImageReference[] = [];
  const seenMissing = new Set<string>();
  for (const { path: manifest, list } of rawprograms) {
    for (const entry of list.entries) {
      checkEntry(entry, manifest, findings);
      if (entry.tag !== 'program' || !entry.filename) continue;
      const file = await resolver.resolve(manifest, entry.filename);
      images.push({ rawprogram: manifest, entry, file });
      if (file.path !== undefined && !file.exists && !seenMissing.has(file.path)) {
        seenMissing.add(file.path);
        findings.push(
          finding(
            'refuse',
            'PKG_FILE_MISSING',
            `${manifest} programs "${entry.filename}" (${entry.label ?? 'no label'}), which is not in the package (${file.path})`,
            {
              file: file.path,
              flag: 'skip-missing',
            },
          ),
        );
      }
      checkFit(entry, file, manifest, findings);
    }
  }
  return images;
}
