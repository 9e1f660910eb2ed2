/**
 * Package + device facts → FlashPlan. Two orders:
 * - Quectel NAND, as QFirehose sends it (research/captures.md §1.8): the erase of sector 0
 *   first, vendor erases verbatim, the other erases in file order, the programs in file
 *   order with the sector-0 program (sbl1) last; each program's num_partition_sectors
 *   rewritten to ceil(file size / sector size); attributes otherwise verbatim.
 * - eMMC/UFS: per LUN, programs in file order, sparse images expanded into program extents
 *   (neighbouring RAW chunks merged, DONT_CARE skipped, FILL written: erased flash is never
 *   assumed to read as zero), host-file patches applied to the bytes before they are
 *   programmed, DISK patches after the programs, the bootable LUN, then reset.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { withAttributes, type Attribute } from '../xml-elements.js';
import { programCommand } from '../firehose/commands.js';
import { indexSparseImage, openRandomAccess } from '../sparse/index.js';
import {
  applyFilePatches,
  crcVariantFor,
  evaluateExpression,
  finding,
  type Finding,
  type FirmwarePackage,
  type PatchEntry,
  type ProgramListEntry,
} from '../package/index.js';
import type { DataSource, DeviceFacts, FlashPlan, PlanOp } from './types.js';

type Program = Extract<PlanOp, { kind: 'program' }>;

/** What the package's entries say about storage. */
function storageOf(pkg: FirmwarePackage): { storage: FlashPlan['storage']; sectorSize: number } {
  const sizes = pkg.rawprograms.flatMap((r) =>
    r.list.entries.map((e) => e.sectorSize).filter((s): s is number => s !== undefined),
  );
  const sectorSize = sizes[0] ?? 512;
  const nand =
    pkg.geometry !== undefined ||
    pkg.rawprograms.some((r) => r.list.entries.some((e) => e.pagesPerBlock !== undefined));
  return { storage: nand ? 'nand' : sectorSize === 4096 ? 'ufs' : 'emmc', sectorSize };
}

function start(entry: ProgramListEntry, facts: DeviceFacts | undefined): number | undefined {
  if (!entry.startSector) return undefined;
  const sectors = facts?.lunSectors[entry.physicalPartition];
  try {
    return Number(
      evaluateExpression(
        entry.startSector.expr,
        sectors === undefined ? {} : { NUM_DISK_SECTORS: BigInt(sectors) },
      ),
    );
  } catch {
    return undefined;
  }
}

/** Groups file patches by the package path they patch. */
function filePatches(pkg: FirmwarePackage): Map<string, PatchEntry[]> {
  const out = new Map<string, PatchEntry[]>();
  for (const { path, entries } of pkg.patches) {
    const dir = posix.dirname(path) === '.' ? '' : posix.dirname(path);
    for (const p of entries) {
      if (p.filename === 'DISK') continue;
      const target = posix.normalize(posix.join(dir || '.', p.filename.replace(/\\/g, '/')));
      out.set(target, [...(out.get(target) ?? []), p]);
    }
  }
  return out;
}

/** Builds the plan. Without `facts`, ops whose place depends on the disk size stay unresolved. */
export async function buildPlan(pkg: FirmwarePackage, facts?: DeviceFacts): Promise<FlashPlan> {
  const findings: Finding[] = [...pkg.findings];
  const { storage, sectorSize } = storageOf(pkg);
  if (facts) checkFacts(pkg, facts, storage, sectorSize, findings);
  const ops =
    storage === 'nand'
      ? await nandOps(pkg, facts, findings)
      : await androidOps(pkg, facts, storage, findings);
  const totalBytes = ops.reduce((n, op) => n + op.bytes, 0);
  return {
    schema: 'qfh-plan/1',
    package: pkg.root,
    storage,
    sectorSize,
    programmer: pkg.programmer,
    deviceKnown: facts !== undefined,
    ops,
    totalBytes,
    findings,
  };
}

function checkFacts(
  pkg: FirmwarePackage,
  facts: DeviceFacts,
  storage: FlashPlan['storage'],
  sectorSize: number,
  findings: Finding[],
): void {
  if (facts.storage !== storage) {
    findings.push(
      finding(
        'refuse',
        'PLAN_STORAGE_MISMATCH',
        `the package is for ${storage.toUpperCase()} storage but the modem has ${facts.storage.toUpperCase()}: this firmware is for another device`,
      ),
    );
  } else if (facts.sectorSize !== sectorSize) {
    findings.push(
      finding(
        'refuse',
        'PLAN_SECTOR_SIZE_MISMATCH',
        `the package writes ${sectorSize}-byte ${storage === 'nand' ? 'pages' : 'sectors'} but the modem's ${storage.toUpperCase()} uses ${facts.sectorSize}: this firmware is for another ${storage === 'nand' ? 'NAND part (p2K/p4K packages are not interchangeable)' : 'storage'}`,
      ),
    );
  }
  const ppb = pkg.geometry ? pkg.geometry.blockSize / pkg.geometry.pageSize : undefined;
  if (
    storage === 'nand' &&
    ppb !== undefined &&
    facts.pagesPerBlock !== undefined &&
    facts.pagesPerBlock !== ppb
  ) {
    findings.push(
      finding(
        'refuse',
        'PLAN_BLOCK_SIZE_MISMATCH',
        `the package is for NAND with ${ppb} pages per block but the modem's has ${facts.pagesPerBlock} (the EG25-G on 256 KiB-block NAND case): its erases would be unaligned`,
      ),
    );
  }
}

/** The image of each rawprogram entry, by `manifest#index` (a map: large rawprograms have thousands). */
const imageIndex = new WeakMap<FirmwarePackage, Map<string, FirmwarePackage['images'][number]>>();
function imageOf(
  pkg: FirmwarePackage,
  manifest: string,
  index: number,
): FirmwarePackage['images'][number] | undefined {
  let map = imageIndex.get(pkg);
  if (!map) {
    map = new Map(pkg.images.map((i) => [`${i.rawprogram}#${i.entry.index}`, i]));
    imageIndex.set(pkg, map);
  }
  return map.get(`${manifest}#${index}`);
}

function readEntries(pkg: FirmwarePackage): { manifest: string; entry: ProgramListEntry }[] {
  return pkg.rawprograms.flatMap(({ path, list }) =>
    list.entries.map((entry) => ({ manifest: path, entry })),
  );
}

async function nandOps(
  pkg: FirmwarePackage,
  facts: DeviceFacts | undefined,
  findings: Finding[],
): Promise<PlanOp[]> {
  const entries = readEntries(pkg);
  const erase = (m: string, e: ProgramListEntry): PlanOp => ({
    kind: 'erase',
    lun: e.physicalPartition,
    startSector: start(e, facts),
    sectors:
      e.numSectors && /^\d+\.?$/.test(e.numSectors.text)
        ? Number.parseInt(e.numSectors.text, 10)
        : undefined,
    attributes: e.attributes,
    origin: { manifest: m, index: e.index },
    bytes: 0,
  });
  const erases = entries.filter(({ entry }) => entry.tag === 'erase');
  const isZero = (e: ProgramListEntry): boolean => e.startSector?.text.trim() === '0';
  const first = erases.filter(({ entry }) => isZero(entry) && entry.vendor === undefined);
  const vendor = erases.filter(({ entry }) => entry.vendor !== undefined);
  const others = erases.filter(
    ({ entry }) => !isZero(entry) && entry.vendor === undefined && entry.sectorSize !== undefined,
  );
  const programs = entries.filter(({ entry }) => entry.tag === 'program' && entry.filename);
  const programOps: Program[] = [];
  const patches = filePatches(pkg);
  for (const { manifest, entry } of programs) {
    const image = imageOf(pkg, manifest, entry.index);
    if (!image?.file.exists || image.file.path === undefined || image.file.size === undefined)
      continue;
    const size = entry.sectorSize ?? 2048;
    const sectors = Math.ceil(image.file.size / size);
    programOps.push({
      kind: 'program',
      lun: entry.physicalPartition,
      label: entry.label ?? posix.basename(image.file.path),
      file: image.file.path,
      startSector: start(entry, facts),
      startExpression: entry.startSector?.text ?? '',
      sectors,
      sectorSize: size,
      source: {
        kind: 'file',
        path: image.file.path,
        segments: [{ offset: 0, length: image.file.size }],
      },
      bytes: image.file.size,
      attributes: withAttributes(entry.attributes, [['num_partition_sectors', String(sectors)]]),
      origin: { manifest, index: entry.index },
    });
    const targets = patches.get(image.file.path);
    if (targets && facts?.nandBlocks !== undefined)
      await checkNandTable(pkg, image.file.path, targets, facts.nandBlocks, findings);
  }
  const zero = programOps.filter((p) => p.startExpression.trim() === '0');
  const rest = programOps.filter((p) => p.startExpression.trim() !== '0');
  return [
    ...first.map(({ manifest, entry }) => erase(manifest, entry)),
    ...vendor.map(({ manifest, entry }) => erase(manifest, entry)),
    ...others.map(({ manifest, entry }) => erase(manifest, entry)),
    ...rest,
    ...zero,
    ...diskPatches(pkg),
    { kind: 'reset', delaySeconds: 10, bytes: 0 },
  ];
}

/**
 * Quectel NAND tables ship pre-patched for one NAND size; QFirehose never sends the patch.
 * qfh evaluates it for this modem's size: if the result differs from the shipped bytes, the
 * package was built for a different NAND.
 */
async function checkNandTable(
  pkg: FirmwarePackage,
  path: string,
  patches: readonly PatchEntry[],
  nandBlocks: number,
  findings: Finding[],
): Promise<void> {
  const shipped = new Uint8Array(await readFile(join(pkg.root, path)));
  try {
    const { bytes } = applyFilePatches(
      shipped,
      patches,
      { NUM_DISK_BLOCKS: BigInt(nandBlocks) },
      crcVariantFor(path),
    );
    if (!Buffer.from(bytes).equals(Buffer.from(shipped))) {
      findings.push(
        finding(
          'refuse',
          'PLAN_NAND_SIZE_MISMATCH',
          `${path} is built for a different NAND size than this modem's ${nandBlocks} blocks: the last partition would not match the chip`,
          { file: path, flag: '--force-nand-size' },
        ),
      );
    }
  } catch (e) {
    findings.push(
      finding(
        'warn',
        'PLAN_NAND_TABLE_UNCHECKED',
        `could not check ${path} against the NAND size: ${(e as Error).message}`,
        { file: path },
      ),
    );
  }
}

function diskPatches(pkg: FirmwarePackage): PlanOp[] {
  return pkg.patches.flatMap(({ path, entries }) =>
    entries
      .filter((p) => p.filename === 'DISK')
      .map((p): PlanOp => ({
        kind: 'patch',
        lun: p.physicalPartition,
        attributes: p.attributes,
        origin: { manifest: path, index: p.index },
        bytes: 0,
      })),
  );
}

async function androidOps(
  pkg: FirmwarePackage,
  facts: DeviceFacts | undefined,
  storage: FlashPlan['storage'],
  findings: Finding[],
): Promise<PlanOp[]> {
  const ops: PlanOp[] = [];
  const patches = filePatches(pkg);
  const lunOf = (r: (typeof pkg.rawprograms)[number]): number =>
    r.list.entries[0]?.physicalPartition ?? 0;
  const rawprograms = [...pkg.rawprograms].sort(
    (a, b) => lunOf(a) - lunOf(b) || (a.path < b.path ? -1 : 1),
  );
  for (const { path: manifest, list } of rawprograms) {
    for (const entry of list.entries) {
      if (entry.tag === 'erase' && entry.attributes.length > 0) {
        ops.push({
          kind: 'erase',
          lun: entry.physicalPartition,
          startSector: start(entry, facts),
          sectors: undefined,
          attributes: entry.attributes,
          origin: { manifest, index: entry.index },
          bytes: 0,
        });
        continue;
      }
      if (entry.tag !== 'program' || !entry.filename) continue;
      const image = imageOf(pkg, manifest, entry.index);
      if (!image?.file.exists || image.file.path === undefined || image.file.size === undefined)
        continue;
      const size = entry.sectorSize ?? (storage === 'ufs' ? 4096 : 512);
      const base = start(entry, facts);
      const origin = { manifest, index: entry.index };
      const program = (source: DataSource, bytes: number, offsetSectors: number): Program => {
        const sectors = Math.ceil(bytes / size);
        const at = base === undefined ? undefined : base + offsetSectors;
        return {
          kind: 'program',
          lun: entry.physicalPartition,
          label: entry.label,
          file: image.file.path,
          startSector: at,
          startExpression:
            offsetSectors === 0
              ? (entry.startSector?.text ?? '')
              : `${entry.startSector?.text ?? ''} + ${offsetSectors}`,
          sectors,
          sectorSize: size,
          source,
          bytes,
          attributes: programCommand({
            sectorSizeInBytes: size,
            numPartitionSectors: sectors,
            physicalPartitionNumber: entry.physicalPartition,
            startSector: at ?? entry.startSector?.text ?? '0',
            filename: entry.filename ?? '',
            ...(entry.label ? { label: entry.label } : {}),
          }).attributes,
          origin,
        };
      };
      const path = image.file.path;
      // A sparse image the package reader could not index already carries a refusal.
      if (entry.sparse && image.file.sparse && image.file.expandedSize === undefined) continue;
      if (entry.sparse && image.file.sparse) {
        ops.push(
          ...(await sparseExtents(pkg, path, size, findings)).map((x) =>
            program(x.source, x.length, x.outputOffset / size),
          ),
        );
        continue;
      }
      const offset = Number(entry.fileSectorOffset) * size;
      const targeted = patches.get(path);
      if (targeted) {
        const sectors = facts?.lunSectors[entry.physicalPartition];
        if (sectors === undefined) {
          findings.push(
            finding(
              'info',
              'PLAN_FILE_PATCHED_AT_FLASH',
              `${path} is patched with the disk size (${targeted.length} patches) once the modem reports it`,
              { file: path },
            ),
          );
          ops.push(
            program(
              { kind: 'file', path, segments: [{ offset, length: image.file.size - offset }] },
              image.file.size - offset,
              0,
            ),
          );
        } else {
          const shipped = new Uint8Array(await readFile(join(pkg.root, path)));
          const { bytes } = applyFilePatches(
            shipped,
            targeted,
            { NUM_DISK_SECTORS: BigInt(sectors) },
            crcVariantFor(path),
          );
          ops.push(
            program(
              { kind: 'bytes', path, data: bytes.subarray(offset) },
              bytes.length - offset,
              0,
            ),
          );
        }
        continue;
      }
      ops.push(
        program(
          { kind: 'file', path, segments: [{ offset, length: image.file.size - offset }] },
          image.file.size - offset,
          0,
        ),
      );
    }
  }
  ops.push(...diskPatches(pkg));
  ops.push(
    { kind: 'set-bootable', value: storage === 'ufs' ? 1 : 0, bytes: 0 },
    { kind: 'reset', delaySeconds: undefined, bytes: 0 },
  );
  return ops;
}

/** Program extents of a sparse image: merged RAW runs (file segments), FILL runs; DONT_CARE skipped. */
async function sparseExtents(
  pkg: FirmwarePackage,
  path: string,
  sectorSize: number,
  findings: Finding[],
): Promise<{ outputOffset: number; length: number; source: DataSource }[]> {
  const file = await openRandomAccess(join(pkg.root, path));
  try {
    const index = await indexSparseImage(file);
    if (index.header.blockSize % sectorSize !== 0) {
      findings.push(
        finding(
          'refuse',
          'PLAN_SPARSE_BLOCK_SIZE',
          `${path} uses ${index.header.blockSize}-byte sparse blocks, not a multiple of the ${sectorSize}-byte sector`,
          { file: path },
        ),
      );
      return [];
    }
    const out: { outputOffset: number; length: number; source: DataSource }[] = [];
    for (const e of index.entries) {
      if (e.kind === 'skip' || e.kind === 'crc32') continue;
      const last = out[out.length - 1];
      if (e.kind === 'raw') {
        if (
          last &&
          last.source.kind === 'file' &&
          last.outputOffset + last.length === e.outputOffset
        ) {
          out[out.length - 1] = {
            outputOffset: last.outputOffset,
            length: last.length + e.length,
            source: {
              ...last.source,
              segments: [...last.source.segments, { offset: e.fileOffset, length: e.length }],
            },
          };
        } else
          out.push({
            outputOffset: e.outputOffset,
            length: e.length,
            source: { kind: 'file', path, segments: [{ offset: e.fileOffset, length: e.length }] },
          });
      } else
        out.push({
          outputOffset: e.outputOffset,
          length: e.length,
          source: { kind: 'fill', pattern: e.pattern, length: e.length },
        });
    }
    return out;
  } finally {
    await file.close();
  }
}

/** Attributes of an op as one line, for messages. */
export function describeAttributes(attributes: readonly Attribute[]): string {
  return attributes.map(([k, v]) => `${k}="${v}"`).join(' ');
}
