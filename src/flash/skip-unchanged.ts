/**
 * `--skip-unchanged`: before anything is written, the modem's SHA-256 of each skip unit's
 * range (`skip-units.ts`) is compared with what a full flash would leave there, computed on
 * the host from the package while the modem computes its own. Units that match are left
 * out, erase included. A programmer without getsha256digest compares nothing: every image
 * is written, and the report says why.
 *
 * @module
 */
import { AmbiguousDigestError } from '../firehose/digest-answer.js';
import { FirehoseError } from '../errors.js';
import type { FirehoseClient } from '../firehose/client.js';
import type { PackageSource } from '../package/package-source.js';
import type { FlashPlan } from '../plan/types.js';
import { updateRepeated } from '../sha256.js';
import { storageTraits } from '../storage-kind.js';
import type { FlashRuntime } from './flash-runtime.js';
import { imagePieces } from './image-pieces.js';
import { sectorRange } from './run-op.js';
import { skipUnits, type SkipUnit } from './skip-units.js';

/** What the comparison found, for the report. */
export interface SkipSummary {
  /** Ranges whose digests were compared. */
  readonly compared: number;
  /** Of those, ranges that already held the package's bytes (their ops were skipped). */
  readonly unchanged: number;
  /** Image bytes not sent because they were already there. */
  readonly bytesSkipped: number;
  /** Why nothing (or not everything) could be compared. */
  readonly note?: string;
}

/** The ops to leave out, and the summary. */
export interface SkipDecision {
  readonly skipped: ReadonlySet<number>;
  readonly summary: SkipSummary;
}

/** What the comparison needs. */
export interface CompareContext {
  readonly client: FirehoseClient;
  readonly files: PackageSource;
  /** Hashing on the host. */
  readonly runtime: FlashRuntime;
  /** Called as each range is compared. */
  readonly onCompare?: (label: string) => void;
}

export const NO_DIGEST_NOTE =
  'the programmer has no getsha256digest, so --skip-unchanged compared nothing: every image was written';

/** SHA-256 (hex) of what a full flash leaves in the unit's range. */
async function expectedDigest(
  unit: SkipUnit,
  c: Pick<CompareContext, 'files' | 'runtime'>,
  erased: number,
): Promise<string> {
  const { files, runtime } = c;
  const hash = runtime.sha256();
  const size = unit.target.sectorSize;
  for (const part of unit.parts) {
    if (part.kind === 'erased') {
      updateRepeated(hash, erased, part.sectors * size);
      continue;
    }
    const { op } = part;
    const image = imagePieces(op.source, files, { hash: false, bytes: op.bytes, runtime });
    for await (const piece of image.pieces()) hash.update(piece);
    updateRepeated(hash, 0, op.target.sectors * op.target.sectorSize - op.bytes);
  }
  return hash.hex();
}

const unsupported = (e: unknown): boolean =>
  e instanceof FirehoseError && e.code === 'QFH_FIREHOSE_UNSUPPORTED';

/** Compares every skip unit of `plan` with the modem; decides which ops are left out. */
export async function decideSkips(plan: FlashPlan, c: CompareContext): Promise<SkipDecision> {
  const skipped = new Set<number>();
  let compared = 0;
  let unchanged = 0;
  let bytesSkipped = 0;
  let ambiguous = 0;
  const summary = (note?: string): SkipDecision => ({
    skipped,
    summary: { compared, unchanged, bytesSkipped, ...(note ? { note } : {}) },
  });
  if (c.client.supports('getsha256digest') === 'no') return summary(NO_DIGEST_NOTE);
  const erased = storageTraits(plan.storage).erasedByte;
  for (const unit of skipUnits(plan.ops)) {
    c.onCompare?.(unit.label);
    // The host hashes the package while the modem hashes its storage.
    const host = expectedDigest(unit, c, erased);
    host.catch(() => undefined);
    let device: string;
    try {
      device = await c.client.sha256(sectorRange(unit.target));
    } catch (e) {
      await host.catch(() => undefined);
      if (unsupported(e)) return summary(NO_DIGEST_NOTE);
      // Neither digest can be trusted to say the range is unchanged: it is written.
      if (e instanceof AmbiguousDigestError) {
        ambiguous++;
        continue;
      }
      throw e;
    }
    compared++;
    if (device !== (await host)) continue;
    unchanged++;
    for (const index of unit.ops) skipped.add(index);
    for (const part of unit.parts) if (part.kind === 'program') bytesSkipped += part.op.bytes;
  }
  return summary(
    ambiguous > 0
      ? `the programmer answered ${ambiguous} range(s) with more than one digest: those were written`
      : undefined,
  );
}
