/**
 * Findings: what checking a package (and later a plan) concluded. `refuse` stops a
 * flash unless the user passes the one flag that names that exact risk (`flag`);
 * a refusal without a flag cannot be overridden.
 *
 * @module
 */
import type { Override } from '../accept-flags.js';

/** How serious a finding is. */
export type FindingLevel = 'refuse' | 'warn' | 'info';

/** One conclusion about a package or plan. */
export interface Finding {
  readonly level: FindingLevel;
  /** Stable identifier, e.g. `PKG_MD5_MISMATCH`. */
  readonly code: string;
  /** One sentence: what is wrong and why it matters. */
  readonly message: string;
  /** Package-relative file the finding is about. */
  readonly file?: string;
  /** What accepts exactly this risk, for refusals that can be overridden (`accept-flags.ts`). */
  readonly flag?: Override;
}

/** Builds a finding, leaving out absent optional fields (exactOptionalPropertyTypes). */
export function finding(
  level: FindingLevel,
  code: string,
  message: string,
  extra: { file?: string | undefined; flag?: Override | undefined } = {},
): Finding {
  return {
    level,
    code,
    message,
    ...(extra.file === undefined ? {} : { file: extra.file }),
    ...(extra.flag === undefined ? {} : { flag: extra.flag }),
  };
}

/** Whether any finding refuses. */
export function hasRefusal(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.level === 'refuse');
}
