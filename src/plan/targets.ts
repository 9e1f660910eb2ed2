/**
 * Where a package line acts, as one {@link SectorTarget}: its start and size evaluated
 * against the disk size when the modem has reported it (`NUM_DISK_SECTORS-33.`), kept as
 * the package's expression while it has not.
 *
 * @module
 */
import type { DeviceFacts } from '../device-facts.js';
import { ExpressionError } from '../errors.js';
import { evaluateSigned, type ExprValue, type ProgramListEntry } from '../package/portable.js';
import type { SectorTarget } from './types.js';

/**
 * The value of `value` on LUN `lun` (negative ones too: placement refuses them), or
 * `undefined` while it needs a disk size not known.
 */
export function evaluateOn(
  value: ExprValue | undefined,
  lun: number,
  facts: DeviceFacts | undefined,
): number | undefined {
  if (value === undefined) return undefined;
  const sectors = facts?.lunSectors[lun];
  const context =
    sectors === undefined
      ? {}
      : {
          NUM_DISK_SECTORS: BigInt(sectors),
          ...(facts?.nandBlocks === undefined ? {} : { NUM_DISK_BLOCKS: BigInt(facts.nandBlocks) }),
        };
  try {
    return Number(evaluateSigned(value.expr, context));
  } catch (e) {
    if (e instanceof ExpressionError) return undefined;
    throw e;
  }
}

/** The target of a rawprogram line (its own numbers, as the package states them). */
export function entryTarget(
  entry: ProgramListEntry,
  facts: DeviceFacts | undefined,
  sectorSize: number,
): SectorTarget {
  const lun = entry.physicalPartition;
  return {
    lun,
    startSector: evaluateOn(entry.startSector, lun, facts),
    startExpression: entry.startSector?.text.trim() ?? '',
    sectors: evaluateOn(entry.numSectors, lun, facts),
    sectorSize: entry.sectorSize ?? sectorSize,
    pagesPerBlock: entry.pagesPerBlock,
  };
}

/** `target` moved `offset` sectors on and resized to `sectors` (an extent of a sparse image). */
export function subTarget(
  target: SectorTarget,
  offset: number,
  sectors: number,
): SectorTarget & { sectors: number } {
  return {
    ...target,
    startSector: target.startSector === undefined ? undefined : target.startSector + offset,
    startExpression:
      offset === 0 ? target.startExpression : `${target.startExpression} + ${offset}`,
    sectors,
  };
}
