/**
 * Checks what landed after each program: the programmer's own SHA-256 of the range where it
 * offers one (asked even when its banner did not say: a NAK then means "no"), else reading
 * the range back and hashing it on the host. The range is the op's own target, the same one
 * its program command was built from.
 *
 * @module
 */
import { FirehoseError, VerifyMismatchError } from '../errors.js';
import type { FirehoseClient } from '../firehose/client.js';
import { AmbiguousDigestError } from '../firehose/digest-answer.js';
import type { SectorRange } from '../firehose/commands.js';
import type { Sha256Factory } from '../sha256.js';
import type { Verification } from './flash-report.js';

/** How an image verified. */
export interface VerifyResult {
  readonly how: Exclude<Verification, 'no'>;
  /** Why the host read the range back instead of asking for a digest. */
  readonly note: string | undefined;
}

/** Verifies `range` holds bytes hashing to `expected` (hex). */
export async function verifyRange(
  client: FirehoseClient,
  range: SectorRange,
  c: { expected: string; label: string; sha256: Sha256Factory },
): Promise<VerifyResult> {
  let actual: string | undefined;
  let note: string | undefined;
  let why = 'the programmer has no getsha256digest, so the image was read back';
  if (client.supports('getsha256digest') !== 'no') {
    try {
      actual = await client.sha256(range);
    } catch (e) {
      if (e instanceof AmbiguousDigestError)
        why = 'the programmer answered with more than one digest, so the image was read back';
      else if (!(e instanceof FirehoseError) || e.code !== 'QFH_FIREHOSE_UNSUPPORTED') throw e;
    }
  }
  const how = actual === undefined ? 'read-back' : 'sha256';
  if (actual === undefined) {
    note = why;
    const hash = c.sha256();
    await client.read(range, (piece) => hash.update(piece));
    actual = hash.hex();
  }
  if (actual !== c.expected)
    throw new VerifyMismatchError(
      `${c.label} did not verify (${how}): the modem holds sha256 ${actual.slice(0, 16)}…, qfh sent ${c.expected.slice(0, 16)}…`,
    );
  return { how, note };
}
