/**
 * The digest in a getsha256digest answer. Programmers log it in a line of their own wording
 * (`Digest <hex>` and others), so qfh looks for a 64-digit hex token; an answer holding two
 * different ones cannot say which is the range's, and trusting the first could skip a range
 * that differs (`--skip-unchanged`) or pass one that does not verify.
 *
 * @module
 */
import { FirehoseError } from '../errors.js';

const DIGEST = /\b[0-9a-fA-F]{64}\b/g;

/** Whether a log line carries a digest. */
export const holdsDigest = (line: string): boolean => new RegExp(DIGEST.source).test(line);

/**
 * A getsha256digest answer holding more than one digest: none is used (a skip-unchanged
 * compare writes the range; verification reads it back).
 */
export class AmbiguousDigestError extends FirehoseError {
  static override readonly errorName: string = 'AmbiguousDigestError';
  constructor(readonly digests: readonly string[]) {
    super(
      'QFH_FIREHOSE_UNEXPECTED',
      `getsha256digest answered with ${digests.length} different digests (${digests.map((d) => `${d.slice(0, 12)}…`).join(', ')}): qfh cannot tell which is the range's`,
      { hint: 'qfh writes and reads back such a range instead of trusting either digest.' },
    );
  }
}

/**
 * The one digest (lower case) in `lines`, or `undefined` when there is none.
 * @throws AmbiguousDigestError when the lines hold more than one different digest.
 */
export function digestIn(lines: readonly string[]): string | undefined {
  const found = new Set(lines.flatMap((l) => l.match(DIGEST) ?? []).map((d) => d.toLowerCase()));
  if (found.size > 1) throw new AmbiguousDigestError([...found]);
  return [...found][0];
}
