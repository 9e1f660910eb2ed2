/**
 * The one home of storage kind. A Qualcomm modem or phone keeps its firmware on raw NAND
 * (modems: EC25, EG25-G, RM500Q), eMMC or UFS (phones, some 5G modules); everything that
 * differs between them is decided here, once: the `MemoryName` configure wants, the payload
 * to ask for, where the sector size comes from in a getstorageinfo answer, what erased
 * storage reads as, and which LUN the PBL boots from.
 *
 * @module
 */

/** The storage a programmer drives. */
export type StorageKind = 'nand' | 'emmc' | 'ufs';

/** Every storage kind, for option choices and iteration. */
export const STORAGE_KINDS: readonly StorageKind[] = ['nand', 'emmc', 'ufs'];

/** What qfh does differently per storage kind. */
export interface StorageTraits {
  readonly kind: StorageKind;
  /** `MemoryName` for `<configure>` (as QFirehose and edl send it). */
  readonly memoryName: string;
  /** How people write it in messages. */
  readonly displayName: string;
  /** What one addressable unit is called: NAND programmers address pages. */
  readonly unit: 'page' | 'sector';
  /** `MaxPayloadSizeToTargetInBytes` to ask for (QFirehose: 8 KiB NAND, 1 MiB otherwise). */
  readonly defaultPayload: number;
  /** Sector size when a package line does not say (NAND: 2 KiB pages of the 9x07 modems). */
  readonly defaultSectorSize: number;
  /** What an erased unit reads as: NAND cells erase to ones, managed flash reads zeros. */
  readonly erasedByte: number;
  /** `setbootablestoragedrive` value after a flash (QFirehose: 1 on UFS, 0 on eMMC), none on NAND. */
  readonly bootableDrive: number | undefined;
}

const TRAITS: Readonly<Record<StorageKind, StorageTraits>> = {
  nand: {
    kind: 'nand',
    memoryName: 'nand',
    displayName: 'NAND',
    unit: 'page',
    defaultPayload: 8192,
    defaultSectorSize: 2048,
    erasedByte: 0xff,
    bootableDrive: undefined,
  },
  emmc: {
    kind: 'emmc',
    memoryName: 'eMMC',
    displayName: 'eMMC',
    unit: 'sector',
    defaultPayload: 1 << 20,
    defaultSectorSize: 512,
    erasedByte: 0x00,
    bootableDrive: 0,
  },
  ufs: {
    kind: 'ufs',
    memoryName: 'UFS',
    displayName: 'UFS',
    unit: 'sector',
    defaultPayload: 1 << 20,
    defaultSectorSize: 4096,
    erasedByte: 0x00,
    bootableDrive: 1,
  },
};

/** The traits of `kind`. */
export function storageTraits(kind: StorageKind): StorageTraits {
  return TRAITS[kind];
}

/** Whether `value` names a storage kind (`nand`, `emmc`, `ufs`, any case). */
export function isStorageKind(value: string): value is StorageKind {
  return (STORAGE_KINDS as readonly string[]).includes(value);
}

/**
 * The kind a programmer reports (`mem_type` of getstorageinfo, `MemoryName` of a configure
 * ACK: `NAND`, `nand`, `eMMC`, `UFS`), or `undefined` when it says something else.
 */
export function storageKindFromName(name: string): StorageKind | undefined {
  const lower = name.trim().toLowerCase();
  if (/nand/.test(lower)) return 'nand';
  if (/ufs/.test(lower)) return 'ufs';
  if (/emmc|mmc|sdcc/.test(lower)) return 'emmc';
  return undefined;
}

/** The managed-flash kind an Android package's sector size implies (4 KiB sectors are UFS). */
export function managedKindForSectorSize(sectorSize: number): 'emmc' | 'ufs' {
  return sectorSize === 4096 ? 'ufs' : 'emmc';
}

/** The numbers of a getstorageinfo answer that geometry depends on. */
export interface StorageInfoNumbers {
  readonly totalBlocks: number;
  readonly blockSize: number;
  readonly pageSize: number;
}

/** The addressable geometry of one LUN. */
export interface LunGeometry {
  /** Bytes per addressable unit (a NAND page, an eMMC/UFS sector). */
  readonly sectorSize: number;
  /** Addressable units in the LUN. */
  readonly sectors: number;
  /** NAND only: erase blocks and pages per block. */
  readonly nand?: { readonly blocks: number; readonly pagesPerBlock: number };
}

/**
 * Reads a getstorageinfo answer the way the kind means it: NAND programmers count erase
 * blocks (`total_blocks` of `block_size` bytes, addressed in `page_size` pages); eMMC/UFS
 * programmers count sectors (`total_blocks` of `block_size` bytes).
 */
export function lunGeometry(kind: StorageKind, info: StorageInfoNumbers): LunGeometry {
  if (kind !== 'nand') return { sectorSize: info.blockSize, sectors: info.totalBlocks };
  const pagesPerBlock = info.pageSize > 0 ? info.blockSize / info.pageSize : 0;
  return {
    sectorSize: info.pageSize,
    sectors: info.totalBlocks * pagesPerBlock,
    nand: { blocks: info.totalBlocks, pagesPerBlock },
  };
}
