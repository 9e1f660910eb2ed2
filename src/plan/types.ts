/**
 * The FlashPlan (DESIGN.md §1): plain data, built before anything touches a device. Every
 * op says what it writes, where, from which bytes, and how many bytes that is.
 *
 * @module
 */
import type { Attribute } from '../xml-elements.js';
import type { Finding } from '../package/findings.js';

/** Where a program op's bytes come from. */
export type DataSource =
  /** Byte ranges of a package file (a raw image is one range; a sparse image's merged RAW chunks are several). */
  | {
      readonly kind: 'file';
      readonly path: string;
      readonly segments: readonly { readonly offset: number; readonly length: number }[];
    }
  /** Bytes patched on the host before programming (gpt_main0.bin, a MIBIB). */
  | { readonly kind: 'bytes'; readonly path: string; readonly data: Uint8Array }
  /** A sparse FILL: a 4-byte pattern repeated. */
  | { readonly kind: 'fill'; readonly pattern: Uint8Array; readonly length: number };

/** What an op came from in the package, for messages. */
export interface OpOrigin {
  readonly manifest: string;
  readonly index: number;
}

/** One step of a plan. */
export type PlanOp =
  | {
      readonly kind: 'erase';
      readonly lun: number;
      /** `undefined` while the start depends on the disk size and the device is not known yet. */
      readonly startSector: number | undefined;
      readonly sectors: number | undefined;
      /** Exactly what is sent (vendor lines verbatim). */
      readonly attributes: readonly Attribute[];
      readonly origin: OpOrigin;
      readonly bytes: 0;
    }
  | {
      readonly kind: 'program';
      readonly lun: number;
      readonly label: string | undefined;
      readonly file: string | undefined;
      readonly startSector: number | undefined;
      readonly startExpression: string;
      readonly sectors: number;
      readonly sectorSize: number;
      readonly source: DataSource;
      /** Bytes of image data (before zero-padding to whole sectors). */
      readonly bytes: number;
      /** What is sent; `num_partition_sectors` and `start_sector` already rewritten. */
      readonly attributes: readonly Attribute[];
      readonly origin: OpOrigin;
    }
  | {
      readonly kind: 'patch';
      readonly lun: number;
      readonly attributes: readonly Attribute[];
      readonly origin: OpOrigin;
      readonly bytes: 0;
    }
  | { readonly kind: 'set-bootable'; readonly value: number; readonly bytes: 0 }
  | { readonly kind: 'reset'; readonly delaySeconds: number | undefined; readonly bytes: 0 };

/** What the device said about itself (from configure and getstorageinfo). */
export interface DeviceFacts {
  readonly storage: 'nand' | 'emmc' | 'ufs';
  readonly sectorSize: number;
  /** Sectors of each LUN, where known. */
  readonly lunSectors: Readonly<Record<number, number>>;
  /** NAND: erase blocks of the whole device. */
  readonly nandBlocks?: number;
  readonly pagesPerBlock?: number;
}

/** A complete plan. */
export interface FlashPlan {
  /** Version of the JSON schema `qfh plan --json` prints (README documents it). */
  readonly schema: 'qfh-plan/1';
  readonly package: string;
  readonly storage: 'nand' | 'emmc' | 'ufs';
  readonly sectorSize: number;
  readonly programmer: string | undefined;
  /** True when the plan used device facts (disk size); false for a plan made from the package alone. */
  readonly deviceKnown: boolean;
  readonly ops: readonly PlanOp[];
  readonly totalBytes: number;
  readonly findings: readonly Finding[];
}
