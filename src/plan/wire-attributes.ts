/**
 * What each op sends, derived from its one target: the package line's attributes with the
 * target's fields (sector size, pages per block, size, LUN, start) replaced by the resolved
 * numbers, in place where the line has them. The verify step builds its range from the
 * same target, so what is sent and what is checked cannot differ.
 *
 * @module
 */
import { PlanError } from '../errors.js';
import { withAttributes, type Attribute } from '../xml-elements.js';
import type { PlanOp, SectorTarget } from './types.js';

/** A target whose start and size are known. */
export type ResolvedTarget = SectorTarget & {
  readonly startSector: number;
  readonly sectors: number;
};

/** The target, or a PlanError naming the op when its place is not known yet. */
export function resolved(target: SectorTarget, what: string): ResolvedTarget {
  const { startSector, sectors } = target;
  if (startSector === undefined || sectors === undefined)
    throw new PlanError(
      `${what} has no ${startSector === undefined ? 'start sector' : 'size'} yet (${target.startExpression || 'none given'})`,
    );
  return { ...target, startSector, sectors };
}

function targetAttributes(t: ResolvedTarget): Attribute[] {
  return [
    ...(t.pagesPerBlock === undefined
      ? []
      : [['PAGES_PER_BLOCK', String(t.pagesPerBlock)] as const]),
    ['SECTOR_SIZE_IN_BYTES', String(t.sectorSize)],
    ['num_partition_sectors', String(t.sectors)],
    ['physical_partition_number', String(t.lun)],
    ['start_sector', String(t.startSector)],
  ];
}

/** Attributes of a program or erase op as sent. */
export function wireAttributes(op: Extract<PlanOp, { kind: 'program' | 'erase' }>): Attribute[] {
  if (op.kind === 'erase' && op.verbatim) return op.attributes.map(([k, v]) => [k, v] as const);
  const what = op.kind === 'program' ? (op.label ?? op.file ?? 'an image') : 'an erase';
  return withAttributes(op.attributes, targetAttributes(resolved(op.target, what)));
}
