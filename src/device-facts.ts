/**
 * What a modem said about its storage, in the form the plan needs: the storage kind, the
 * sector size, each LUN's size and, on NAND, the erase-block geometry. Built from the
 * getstorageinfo answers by the storage-kind rules (`storage-kind.ts`).
 *
 * @module
 */
import {
  lunGeometry,
  storageKindFromName,
  type StorageInfoNumbers,
  type StorageKind,
} from './storage-kind.js';

/** What the device said about itself (from configure and getstorageinfo). */
export interface DeviceFacts {
  readonly storage: StorageKind;
  readonly sectorSize: number;
  /** Sectors (NAND: pages) of each LUN asked about. */
  readonly lunSectors: Readonly<Record<number, number>>;
  /** LUNs the device has, when it said (`num_physical`). */
  readonly lunCount?: number;
  /** NAND: erase blocks of the whole device. */
  readonly nandBlocks?: number;
  readonly pagesPerBlock?: number;
}

/** One getstorageinfo answer. */
export interface StorageReport extends StorageInfoNumbers {
  readonly memType: string;
  readonly numPhysical: number;
}

/**
 * The facts from getstorageinfo answers per LUN. The kind is what the device reports
 * (`mem_type`), else what configure settled on.
 */
export function deviceFacts(
  configured: StorageKind,
  reports: ReadonlyMap<number, StorageReport>,
): DeviceFacts | undefined {
  const first = reports.values().next().value as StorageReport | undefined;
  if (!first) return undefined;
  const storage = storageKindFromName(first.memType) ?? configured;
  const lunSectors: Record<number, number> = {};
  for (const [lun, report] of reports) lunSectors[lun] = lunGeometry(storage, report).sectors;
  const geometry = lunGeometry(storage, first);
  return {
    storage,
    sectorSize: geometry.sectorSize,
    lunSectors,
    ...(first.numPhysical > 0 ? { lunCount: first.numPhysical } : {}),
    ...(geometry.nand
      ? { nandBlocks: geometry.nand.blocks, pagesPerBlock: geometry.nand.pagesPerBlock }
      : {}),
  };
}
