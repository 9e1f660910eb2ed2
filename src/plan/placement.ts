/**
 * Where each erase, program and patch lands, checked against the disk before anything is
 * sent. Programmers check little themselves: a NAND programmer NAKs a bad erase only after
 * the erases before it ran (sbl1 first), and an eMMC programmer writes a grown image over the
 * next partition without a word. So every line is placed here, from the package alone where
 * it can be (negative starts, unaligned NAND erases) and against getstorageinfo's answers once
 * the modem gave them (LUNs that do not exist, ends beyond the disk, sector sizes, overlaps).
 *
 * @module
 */
import type { DeviceFacts } from '../device-facts.js';
import {
  finding,
  isPlainNumber,
  type Finding,
  type FirmwarePackage,
  type ProgramListEntry,
} from '../package/portable.js';
import { storageTraits } from '../storage-kind.js';
import { ExtentIndex, type Extent } from './extent-index.js';
import { lines } from './package-lines.js';
import { entryTarget, evaluateOn } from './targets.js';
import type { PlanOp, SectorTarget } from './types.js';

const where = (origin: { manifest: string; index: number }): string =>
  `${origin.manifest} entry ${origin.index + 1}`;

/** Every placement finding of `ops` (the plan's) for `pkg`, against `facts` when known. */
export function placementFindings(
  pkg: FirmwarePackage,
  ops: readonly PlanOp[],
  facts: DeviceFacts | undefined,
): Finding[] {
  // A package for another storage or sector size is refused whole (device-checks.ts); its
  // lines are then only placed by what the package alone says.
  const usable =
    facts && facts.storage === pkg.storage.kind && facts.sectorSize === pkg.storage.sectorSize;
  const disk = usable ? facts : undefined;
  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const op of ops) {
    if (op.kind !== 'erase' && op.kind !== 'program') continue;
    if (op.kind === 'erase' && op.verbatim) continue;
    const key = `${op.origin.manifest}#${op.origin.index}`;
    if (seen.has(key)) continue;
    const problem = targetProblem(pkg, { op, facts: disk });
    // One refusal per line, and one per missing LUN.
    const once = problem?.code === 'PLAN_NO_SUCH_LUN' ? `lun ${op.target.lun}` : key;
    if (problem === undefined || seen.has(once)) continue;
    seen.add(key);
    seen.add(once);
    out.push(finding('refuse', problem.code, `${where(op.origin)}: ${problem.text}`));
  }
  out.push(...patchFindings(pkg, disk), ...overlapFindings(pkg, { ops, facts: disk }));
  return out;
}

type Problem = { code: string; text: string };

function targetProblem(
  pkg: FirmwarePackage,
  c: { op: Extract<PlanOp, { kind: 'erase' | 'program' }>; facts: DeviceFacts | undefined },
): Problem | undefined {
  const { op, facts } = c;
  const t = op.target;
  const what = op.kind === 'erase' ? 'erases' : `writes ${op.file ?? 'its image'}`;
  if (t.startSector !== undefined && t.startSector < 0)
    return { code: 'PLAN_NEGATIVE_START', text: `${what} from sector ${t.startSector}` };
  if (t.sectors !== undefined && t.sectors < 0)
    return { code: 'PLAN_NEGATIVE_SIZE', text: `${what} ${t.sectors} sectors` };
  const unaligned = op.kind === 'erase' ? eraseAlignment(pkg, t) : undefined;
  if (unaligned) return unaligned;
  return facts ? diskProblem(t, { what, facts }) : undefined;
}

/** NAND erases work on whole blocks: a start or size off a block boundary is refused. */
function eraseAlignment(pkg: FirmwarePackage, t: SectorTarget): Problem | undefined {
  if (pkg.storage.kind !== 'nand') return undefined;
  const geometry = pkg.geometry;
  const perBlock =
    t.pagesPerBlock ?? (geometry ? geometry.blockSize / geometry.pageSize : undefined);
  if (perBlock === undefined || perBlock <= 1) return undefined;
  const off = [t.startSector, t.sectors].filter((n) => n !== undefined && n % perBlock !== 0);
  if (off.length === 0) return undefined;
  return {
    code: 'PLAN_ERASE_UNALIGNED',
    text: `erases pages ${t.startSector}+${t.sectors}, not whole ${perBlock}-page blocks: NAND programmers refuse it after erasing what came before`,
  };
}

function diskProblem(
  t: SectorTarget,
  c: { what: string; facts: DeviceFacts },
): Problem | undefined {
  const { what, facts } = c;
  const unit = storageTraits(facts.storage).unit;
  const disk = facts.lunSectors[t.lun];
  if (facts.lunCount !== undefined && t.lun >= facts.lunCount)
    return {
      code: 'PLAN_NO_SUCH_LUN',
      text: `${what} on LUN ${t.lun} but the modem has ${facts.lunCount} (0–${facts.lunCount - 1})`,
    };
  if (disk === undefined)
    return {
      code: 'PLAN_NO_SUCH_LUN',
      text: `${what} on LUN ${t.lun}, which the modem did not report (getstorageinfo refused it)`,
    };
  if (t.sectorSize !== facts.sectorSize)
    return {
      code: 'PLAN_SECTOR_SIZE_MISMATCH',
      text: `${what} in ${t.sectorSize}-byte ${unit}s but the modem's are ${facts.sectorSize} bytes`,
    };
  if (t.startSector === undefined || t.sectors === undefined)
    return {
      code: 'PLAN_UNRESOLVED',
      text: `${what} at "${t.startExpression}", which has no value on this disk`,
    };
  if (t.startSector + t.sectors > disk)
    return {
      code: 'PLAN_BEYOND_DISK',
      text: `${what} at ${unit}s ${t.startSector}–${t.startSector + t.sectors - 1} but LUN ${t.lun} has ${disk} ${unit}s`,
    };
  return undefined;
}

/** DISK patches change bytes on the device: their sector must be on it. */
function patchFindings(pkg: FirmwarePackage, facts: DeviceFacts | undefined): Finding[] {
  if (!facts) return [];
  const out: Finding[] = [];
  for (const { path, entries } of pkg.patches) {
    for (const p of entries) {
      if (p.filename !== 'DISK') continue;
      const disk = facts.lunSectors[p.physicalPartition];
      const start = evaluateOn(p.startSector, p.physicalPartition, facts);
      const bad =
        disk === undefined || start === undefined || start < 0 || start >= disk
          ? `patches LUN ${p.physicalPartition} sector "${p.startSector.text}", which is not on the modem's disk`
          : undefined;
      if (bad)
        out.push(
          finding(
            'refuse',
            'PLAN_BEYOND_DISK',
            `${where({ manifest: path, index: p.index })}: ${bad}`,
          ),
        );
    }
  }
  return out;
}

/**
 * An image must stay inside its own partition and off every other one the package lays
 * out. Sizes the package reader could not check (expressions, `0` for "grow") are checked
 * here once the disk size gives them a value.
 */
function overlapFindings(
  pkg: FirmwarePackage,
  c: { ops: readonly PlanOp[]; facts: DeviceFacts | undefined },
): Finding[] {
  const partitions = partitionExtents(pkg, c.facts);
  const index = new ExtentIndex(partitions);
  const written = writtenHulls(c.ops);
  const out: Finding[] = [];
  for (const [key, w] of written) {
    const own = partitions.get(key);
    const text = ownOverflow(w, own) ?? foreignOverlap(w, { key, own, index });
    if (text) out.push(finding('refuse', text.code, `${where(w.origin)}: ${text.text}`));
  }
  return out;
}

type Partition = Extent & { label: string | undefined; entry: ProgramListEntry };
type Written = Extent & { origin: { manifest: string; index: number }; file: string };

function partitionExtents(
  pkg: FirmwarePackage,
  facts: DeviceFacts | undefined,
): Map<string, Partition> {
  const out = new Map<string, Partition>();
  for (const { manifest, entry } of lines(pkg)) {
    if (entry.tag !== 'program') continue;
    const t = entryTarget(entry, facts, pkg.storage.sectorSize);
    if (t.startSector === undefined || t.sectors === undefined || t.sectors <= 0) continue;
    out.set(`${manifest}#${entry.index}`, {
      lun: t.lun,
      start: t.startSector,
      end: t.startSector + t.sectors,
      label: entry.label,
      entry,
    });
  }
  return out;
}

/** The span each program line writes (a sparse image's extents as one hull). */
function writtenHulls(ops: readonly PlanOp[]): Map<string, Written> {
  const out = new Map<string, Written>();
  for (const op of ops) {
    if (op.kind !== 'program' || op.target.startSector === undefined) continue;
    const key = `${op.origin.manifest}#${op.origin.index}`;
    const start = op.target.startSector;
    const end = start + op.target.sectors;
    const had = out.get(key);
    out.set(key, {
      lun: op.target.lun,
      start: had ? Math.min(had.start, start) : start,
      end: had ? Math.max(had.end, end) : end,
      origin: op.origin,
      file: op.file ?? 'its image',
    });
  }
  return out;
}

function ownOverflow(w: Written, own: Partition | undefined): Problem | undefined {
  // Plain sizes were checked against the image by the package reader (PKG_IMAGE_TOO_LARGE).
  if (!own || isPlainNumber(own.entry.numSectors?.text ?? '')) return undefined;
  if (w.end <= own.end) return undefined;
  return {
    code: 'PLAN_IMAGE_TOO_LARGE',
    text: `${w.file} needs ${w.end - w.start} sectors but its partition (num_partition_sectors="${own.entry.numSectors?.text}") has ${own.end - own.start} on this disk`,
  };
}

function foreignOverlap(
  w: Written,
  c: { key: string; own: Partition | undefined; index: ExtentIndex<Partition> },
): Problem | undefined {
  for (const [key, p] of c.index.overlapping(w)) {
    if (key === c.key) continue;
    // The same partition listed again (another rawprogram of the same layout) is not another one.
    if (c.own && c.own.start === p.start && c.own.end === p.end) continue;
    return {
      code: 'PLAN_OVERLAP',
      text: `${w.file} at sectors ${w.start}–${w.end - 1} runs into ${p.label ?? 'another partition'} (${p.start}–${p.end - 1}, ${key.replace('#', ' entry ').replace(/ entry (\d+)$/, (_, n: string) => ` entry ${Number(n) + 1}`)})`,
    };
  }
  return undefined;
}
