/**
 * The FlashPlan (docs/ARCHITECTURE.md): plain data, built before anything touches a device. Every
 * op says what it writes, where (one target: resolved, or the package's expression while
 * the disk size is unknown), from which bytes, and how many bytes that is. What goes on the
 * wire is derived from the target (`wire-attributes.ts`), so what is sent and what is
 * verified can never differ.
 *
 * @module
 */
import type { DeviceFacts } from '../device-facts.js';
import type { Finding } from '../package/findings.js';
import type { StorageKind } from '../storage-kind.js';
import type { Attribute } from '../xml-elements.js';

export type { DeviceFacts } from '../device-facts.js';

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

/** Where an op acts. */
export interface SectorTarget {
  readonly lun: number;
  /** The start, once known; `undefined` while it depends on a disk size nobody reported. */
  readonly startSector: number | undefined;
  /** The start as the package wrote it (plus any offset into a sparse image). */
  readonly startExpression: string;
  /** Sectors (NAND: pages) covered, once known. */
  readonly sectors: number | undefined;
  readonly sectorSize: number;
  /** NAND: pages per erase block, as the package line says. */
  readonly pagesPerBlock: number | undefined;
}

/** One step of a plan. */
export type PlanOp =
  | {
      readonly kind: 'erase';
      readonly target: SectorTarget;
      /** Vendor lines (`vendor="quectel"`) go out exactly as written; the target is for checks. */
      readonly verbatim: boolean;
      /** The package line's attributes; the wire form replaces the target's with resolved ones. */
      readonly attributes: readonly Attribute[];
      readonly origin: OpOrigin;
      readonly bytes: 0;
    }
  | {
      readonly kind: 'program';
      readonly target: SectorTarget & { readonly sectors: number };
      readonly label: string | undefined;
      readonly file: string | undefined;
      readonly source: DataSource;
      /** Bytes of image data (before zero-padding to whole sectors). */
      readonly bytes: number;
      /** Attributes besides the target (filename, label, vendor extras), in the package's order. */
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

/** A complete plan. */
export interface FlashPlan {
  /** Version of the JSON schema `qfh plan --json` prints (README documents it). */
  readonly schema: 'qfh-plan/2';
  readonly package: string;
  readonly storage: StorageKind;
  readonly sectorSize: number;
  /** The programmer to upload: package-relative, or the path the user gave. */
  readonly programmer: string | undefined;
  /** The device facts the plan was checked against; `undefined` for a plan from the package alone. */
  readonly device: DeviceFacts | undefined;
  readonly ops: readonly PlanOp[];
  readonly totalBytes: number;
  readonly findings: readonly Finding[];
}
