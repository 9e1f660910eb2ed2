/**
 * The package's lines as the planners walk them: every rawprogram entry with its
 * manifest, the image each program line names, the file patches grouped by the file they
 * patch, and the device-side (`DISK`) patches as ops.
 *
 * @module
 */
import * as posix from '../posix-path.js';
import type { DeviceFacts } from '../device-facts.js';
import type {
  Finding,
  FirmwarePackage,
  ImageReference,
  PatchEntry,
  ProgramListEntry,
} from '../package/portable.js';
import type { PlanOp } from './types.js';

/** What one plan build carries: the device facts, if known, and the findings so far. */
export interface PlanBuild {
  readonly facts: DeviceFacts | undefined;
  readonly findings: Finding[];
}

/** Every rawprogram entry, with the manifest it is in. */
export function lines(pkg: FirmwarePackage): { manifest: string; entry: ProgramListEntry }[] {
  return pkg.rawprograms.flatMap(({ path, list }) =>
    list.entries.map((entry) => ({ manifest: path, entry })),
  );
}

/** The image of each rawprogram entry, by `manifest#index` (large rawprograms have thousands). */
const imageIndex = new WeakMap<FirmwarePackage, Map<string, ImageReference>>();

/** The image a program line names. */
export function imageOf(
  pkg: FirmwarePackage,
  manifest: string,
  index: number,
): ImageReference | undefined {
  let map = imageIndex.get(pkg);
  if (!map) {
    map = new Map(pkg.images.map((i) => [`${i.rawprogram}#${i.entry.index}`, i]));
    imageIndex.set(pkg, map);
  }
  return map.get(`${manifest}#${index}`);
}

/** File patches by the file they patch, per package (asked once per program line). */
const patchIndex = new WeakMap<FirmwarePackage, Map<string, PatchEntry[]>>();

/** File patches, grouped by the package path they patch. */
export function filePatches(pkg: FirmwarePackage): Map<string, PatchEntry[]> {
  const known = patchIndex.get(pkg);
  if (known) return known;
  const out = new Map<string, PatchEntry[]>();
  patchIndex.set(pkg, out);
  for (const { path, entries } of pkg.patches) {
    const dir = posix.dirname(path) === '.' ? '' : posix.dirname(path);
    for (const p of entries) {
      if (p.filename === 'DISK') continue;
      const target = posix.normalize(posix.join(dir || '.', p.filename.replace(/\\/g, '/')));
      const list = out.get(target) ?? [];
      list.push(p);
      out.set(target, list);
    }
  }
  return out;
}

/** The patches the programmer applies on the device (`filename="DISK"`), in file order. */
export function diskPatches(pkg: FirmwarePackage): PlanOp[] {
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
