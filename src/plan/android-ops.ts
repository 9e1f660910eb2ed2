/**
 * eMMC/UFS packages (Android-style rawprogram/patch sets): per LUN, programs in file order;
 * sparse images expanded into program extents from the index the package reader made
 * (neighbouring RAW chunks merged, DONT_CARE skipped, FILL written: erased flash is never
 * assumed to read as zero); host-file patches applied to the bytes before they are
 * programmed, once the disk size is known; DISK patches after the programs; the bootable
 * LUN; reset.
 *
 * @module
 */
import {
  applyFilePatches,
  crcVariantFor,
  finding,
  type FirmwarePackage,
  type ImageReference,
  type ProgramListEntry,
} from '../package/portable.js';
import { storageTraits } from '../storage-kind.js';
import type { SparseIndex } from '../sparse/index-image.js';
import { diskPatches, filePatches, imageOf, type PlanBuild } from './package-lines.js';
import { entryTarget, subTarget } from './targets.js';
import type { DataSource, PlanOp, SectorTarget } from './types.js';

type Program = Extract<PlanOp, { kind: 'program' }>;

/** The ops of an eMMC/UFS package. */
export function androidOps(pkg: FirmwarePackage, build: PlanBuild): PlanOp[] {
  const ops: PlanOp[] = [];
  const lunOf = (r: (typeof pkg.rawprograms)[number]): number =>
    r.list.entries[0]?.physicalPartition ?? 0;
  const rawprograms = [...pkg.rawprograms].sort(
    (a, b) => lunOf(a) - lunOf(b) || (a.path < b.path ? -1 : 1),
  );
  for (const { path: manifest, list } of rawprograms) {
    for (const entry of list.entries) {
      const origin = { manifest, index: entry.index };
      if (entry.tag === 'erase' && entry.attributes.length > 0) {
        const target = entryTarget(entry, build.facts, pkg.storage.sectorSize);
        ops.push({
          kind: 'erase',
          target,
          verbatim: entry.vendor !== undefined,
          attributes: entry.attributes,
          origin,
          bytes: 0,
        });
        continue;
      }
      if (entry.tag !== 'program' || !entry.filename) continue;
      const image = imageOf(pkg, manifest, entry.index);
      if (image?.file.exists) ops.push(...programs(pkg, build, { entry, image, origin }));
    }
  }
  const bootable = storageTraits(pkg.storage.kind).bootableDrive;
  return [
    ...ops,
    ...diskPatches(pkg),
    ...(bootable === undefined
      ? []
      : [{ kind: 'set-bootable', value: bootable, bytes: 0 } as const]),
    { kind: 'reset', delaySeconds: undefined, bytes: 0 },
  ];
}

type Line = { entry: ProgramListEntry; image: ImageReference; origin: Program['origin'] };

function programs(pkg: FirmwarePackage, build: PlanBuild, line: Line): Program[] {
  const { entry, image } = line;
  const path = image.file.path;
  const size = image.file.size;
  if (path === undefined || size === undefined) return [];
  const target = entryTarget(entry, build.facts, pkg.storage.sectorSize);
  const attributes: Program['attributes'] = [
    ['SECTOR_SIZE_IN_BYTES', String(target.sectorSize)],
    ['filename', entry.filename ?? ''],
    ...(entry.label ? [['label', entry.label] as const] : []),
  ];
  const program = (source: DataSource, bytes: number, offset: number): Program => ({
    kind: 'program',
    target: subTarget(target, offset, Math.ceil(bytes / target.sectorSize)),
    label: entry.label,
    file: path,
    source,
    bytes,
    attributes,
    origin: line.origin,
  });
  if (entry.sparse && image.file.sparse) {
    // A sparse image the package reader could not index already carries a refusal.
    const index = image.file.sparseIndex;
    if (!index) return [];
    return sparseExtents(path, index, target, build).map((x) =>
      program(x.source, x.length, x.outputOffset / target.sectorSize),
    );
  }
  const offset = Number(entry.fileSectorOffset) * target.sectorSize;
  const patched = patchedBytes(pkg, { path, target }, build);
  if (patched)
    return [
      program({ kind: 'bytes', path, data: patched.subarray(offset) }, patched.length - offset, 0),
    ];
  const segment = { offset, length: size - offset };
  return [program({ kind: 'file', path, segments: [segment] }, size - offset, 0)];
}

/** A file's bytes with its host patches applied, once the disk size is known. */
function patchedBytes(
  pkg: FirmwarePackage,
  t: { path: string; target: SectorTarget },
  build: PlanBuild,
): Uint8Array | undefined {
  const patches = filePatches(pkg).get(t.path);
  const shipped = pkg.patchTargets.get(t.path);
  if (!patches || !shipped) return undefined;
  const sectors = build.facts?.lunSectors[t.target.lun];
  if (sectors === undefined) {
    build.findings.push(
      finding(
        'info',
        'PLAN_FILE_PATCHED_AT_FLASH',
        `${t.path} is patched with the disk size (${patches.length} patches) once the modem reports it`,
        {
          file: t.path,
        },
      ),
    );
    return undefined;
  }
  const context = { NUM_DISK_SECTORS: BigInt(sectors) };
  return applyFilePatches(shipped, patches, context, crcVariantFor(t.path)).bytes;
}

/** Program extents of a sparse image: merged RAW runs (file segments), FILL runs; DONT_CARE skipped. */
function sparseExtents(
  path: string,
  index: SparseIndex,
  target: SectorTarget,
  build: PlanBuild,
): { outputOffset: number; length: number; source: DataSource }[] {
  if (index.header.blockSize % target.sectorSize !== 0) {
    build.findings.push(
      finding(
        'refuse',
        'PLAN_SPARSE_BLOCK_SIZE',
        `${path} uses ${index.header.blockSize}-byte sparse blocks, not a multiple of the ${target.sectorSize}-byte sector`,
        {
          file: path,
        },
      ),
    );
    return [];
  }
  const out: { outputOffset: number; length: number; source: DataSource }[] = [];
  // Neighbouring RAW chunks become one program; their segments are gathered in place
  // (images with hundreds of thousands of chunks must not be copied per chunk).
  let run:
    | { outputOffset: number; length: number; segments: { offset: number; length: number }[] }
    | undefined;
  const endRun = (): void => {
    if (run)
      out.push({
        outputOffset: run.outputOffset,
        length: run.length,
        source: { kind: 'file', path, segments: run.segments },
      });
    run = undefined;
  };
  for (const e of index.entries) {
    if (e.kind === 'skip' || e.kind === 'crc32') continue;
    if (e.kind === 'fill') {
      endRun();
      out.push({
        outputOffset: e.outputOffset,
        length: e.length,
        source: { kind: 'fill', pattern: e.pattern, length: e.length },
      });
    } else if (run && run.outputOffset + run.length === e.outputOffset) {
      run.segments.push({ offset: e.fileOffset, length: e.length });
      run.length += e.length;
    } else {
      endRun();
      run = {
        outputOffset: e.outputOffset,
        length: e.length,
        segments: [{ offset: e.fileOffset, length: e.length }],
      };
    }
  }
  endRun();
  return out;
}
