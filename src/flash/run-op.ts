/**
 * Runs one plan op over a Firehose session: the command built from the op's target, image
 * bytes streamed from the package (hashed on the way when they will be verified,
 * `image-pieces.ts`), and the verification of each program.
 *
 * @module
 */
import type { FirehoseClient } from '../firehose/client.js';
import type { SectorRange } from '../firehose/commands.js';
import type { PackageSource } from '../package/package-source.js';
import type { PlanOp } from '../plan/types.js';
import { resolved, wireAttributes } from '../plan/wire-attributes.js';
import type { FlashRuntime } from './flash-runtime.js';
import type { Verification } from './flash-report.js';
import { imagePieces } from './image-pieces.js';
import { verifyRange } from './verify.js';

/** What running an op needs. */
export interface OpContext {
  readonly client: FirehoseClient;
  readonly files: PackageSource;
  readonly verify: boolean;
  readonly runtime: FlashRuntime;
  /** Image bytes of this op sent so far. */
  readonly onBytes: (sent: number) => void;
  readonly onVerify: () => void;
}

/** What an op produced. */
export interface OpOutcome {
  readonly verified: Verification | undefined;
  readonly verifyNote: string | undefined;
}

/** The sector range of a program op, built from the same target as its command. */
export function rangeOf(op: Extract<PlanOp, { kind: 'program' }>): SectorRange {
  return sectorRange(resolved(op.target, op.label ?? op.file ?? 'an image'));
}

/** A resolved target as the sector range of a Firehose command. */
export function sectorRange(t: {
  readonly lun: number;
  readonly startSector: number;
  readonly sectors: number;
  readonly sectorSize: number;
  readonly pagesPerBlock?: number | undefined;
}): SectorRange {
  return {
    sectorSizeInBytes: t.sectorSize,
    numPartitionSectors: t.sectors,
    startSector: t.startSector,
    physicalPartitionNumber: t.lun,
    ...(t.pagesPerBlock === undefined ? {} : { pagesPerBlock: t.pagesPerBlock }),
  };
}

const none: OpOutcome = { verified: undefined, verifyNote: undefined };

/** Runs `op`. */
export async function runOp(op: PlanOp, c: OpContext): Promise<OpOutcome> {
  switch (op.kind) {
    case 'erase': {
      const t = op.target;
      const bytes = (t.sectors ?? 0) * t.sectorSize;
      await c.client.eraseVerbatim(wireAttributes(op), bytes);
      return none;
    }
    case 'program':
      return program(op, c);
    case 'patch':
      await c.client.patchVerbatim(op.attributes);
      return none;
    case 'set-bootable':
      await c.client.setBootableStorageDrive(op.value);
      return none;
    case 'reset':
      await c.client.power('reset', op.delaySeconds);
      await c.client.drainLogs(50);
      return none;
  }
}

async function program(op: Extract<PlanOp, { kind: 'program' }>, c: OpContext): Promise<OpOutcome> {
  const range = rangeOf(op);
  const element = { tag: 'program', attributes: wireAttributes(op) };
  // Hash only when it will be compared: hashing is most of the CPU of a flash.
  const image = imagePieces(op.source, c.files, {
    hash: c.verify,
    bytes: op.bytes,
    runtime: c.runtime,
  });
  try {
    await c.client.program(range, image.pieces(), { element, onBytes: c.onBytes });
  } catch (e) {
    image.dispose();
    throw e;
  }
  if (!c.verify) return { verified: 'no', verifyNote: undefined };
  const expected = await image.digest(op.target.sectors * op.target.sectorSize - op.bytes);
  c.onVerify();
  const label = op.label ?? op.file ?? '';
  const result = await verifyRange(c.client, range, {
    expected,
    label,
    sha256: c.runtime.sha256,
  });
  return { verified: result.how, verifyNote: result.note };
}
