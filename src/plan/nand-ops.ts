/**
 * Quectel NAND packages in the order QFirehose sends them (research/captures.md §1.8): the
 * erase of sector 0 first, vendor erases verbatim, the other erases in file order, the
 * programs in file order with the sector-0 program (sbl1) last, so a modem interrupted
 * mid-flash has no half-new boot loader; each program's size is the image's, rounded up to
 * whole pages (QFirehose rewrites num_partition_sectors the same way). The NAND partition
 * table ships pre-patched for one NAND size: it is checked against this modem's, never
 * patched.
 *
 * @module
 */
import * as posix from '../posix-path.js';
import type { DeviceFacts } from '../device-facts.js';
import {
  applyFilePatches,
  crcVariantFor,
  finding,
  type FirmwarePackage,
  type PatchEntry,
  type ProgramListEntry,
} from '../package/portable.js';
import { QfhError } from '../errors.js';
import { entryTarget, subTarget } from './targets.js';
import type { PlanOp } from './types.js';
import { diskPatches, filePatches, imageOf, lines, type PlanBuild } from './package-lines.js';
import { equalBytes } from '../bytes.js';

type Program = Extract<PlanOp, { kind: 'program' }>;

/** The ops of a NAND package. */
export function nandOps(pkg: FirmwarePackage, build: PlanBuild): PlanOp[] {
  const all = lines(pkg);
  const erase = (manifest: string, entry: ProgramListEntry): PlanOp => ({
    kind: 'erase',
    target: entryTarget(entry, build.facts, pkg.storage.sectorSize),
    verbatim: entry.vendor !== undefined,
    attributes: entry.attributes,
    origin: { manifest, index: entry.index },
    bytes: 0,
  });
  const erases = all.filter(({ entry }) => entry.tag === 'erase' && entry.attributes.length > 0);
  const isZero = (e: ProgramListEntry): boolean => e.startSector?.text.trim() === '0';
  const first = erases.filter(({ entry }) => isZero(entry) && entry.vendor === undefined);
  const vendor = erases.filter(({ entry }) => entry.vendor !== undefined);
  const others = erases.filter(({ entry }) => !isZero(entry) && entry.vendor === undefined);
  const programs = all.flatMap(({ manifest, entry }) =>
    entry.tag === 'program' && entry.filename ? programOp(pkg, build, { manifest, entry }) : [],
  );
  const zero = programs.filter((p) => p.target.startExpression === '0');
  const rest = programs.filter((p) => p.target.startExpression !== '0');
  return [
    ...[...first, ...vendor, ...others].map(({ manifest, entry }) => erase(manifest, entry)),
    ...rest,
    ...zero,
    ...diskPatches(pkg),
    { kind: 'reset', delaySeconds: undefined, bytes: 0 },
  ];
}

function programOp(
  pkg: FirmwarePackage,
  build: PlanBuild,
  line: { manifest: string; entry: ProgramListEntry },
): Program[] {
  const { manifest, entry } = line;
  const image = imageOf(pkg, manifest, entry.index);
  const file = image?.file;
  if (!file?.exists || file.path === undefined || file.size === undefined) return [];
  const target = entryTarget(entry, build.facts, pkg.storage.sectorSize);
  const sectors = Math.ceil(file.size / target.sectorSize);
  const patches = filePatches(pkg).get(file.path);
  if (patches && build.facts?.nandBlocks !== undefined)
    checkNandTable(pkg, { path: file.path, patches, facts: build.facts }, build);
  return [
    {
      kind: 'program',
      target: subTarget(target, 0, sectors),
      label: entry.label ?? posix.basename(file.path),
      file: file.path,
      source: { kind: 'file', path: file.path, segments: [{ offset: 0, length: file.size }] },
      bytes: file.size,
      attributes: entry.attributes,
      origin: { manifest, index: entry.index },
    },
  ];
}

/**
 * QFirehose never sends a NAND table's patch: the table ships pre-patched for one NAND size.
 * qfh evaluates the patch for this modem's size; if the result differs from the shipped
 * bytes, the package was built for a different NAND.
 */
function checkNandTable(
  pkg: FirmwarePackage,
  t: { path: string; patches: readonly PatchEntry[]; facts: DeviceFacts },
  build: PlanBuild,
): void {
  const shipped = pkg.patchTargets.get(t.path);
  if (!shipped) return;
  const blocks = t.facts.nandBlocks ?? 0;
  try {
    const context = { NUM_DISK_BLOCKS: BigInt(blocks) };
    const { bytes } = applyFilePatches(shipped, t.patches, context, crcVariantFor(t.path));
    if (equalBytes(bytes, shipped)) return;
    build.findings.push(
      finding(
        'refuse',
        'PLAN_NAND_SIZE_MISMATCH',
        `${t.path} is built for a different NAND size than this modem's ${blocks} blocks: the last partition would not match the chip`,
        {
          file: t.path,
          flag: 'force-nand-size',
        },
      ),
    );
  } catch (e) {
    if (!(e instanceof QfhError)) throw e;
    build.findings.push(
      finding(
        'warn',
        'PLAN_NAND_TABLE_UNCHECKED',
        `could not check ${t.path} against the NAND size: ${e.message}`,
        {
          file: t.path,
        },
      ),
    );
  }
}
