/**
 * Safety gates. Every `refuse` finding stops a flash unless the user passed the one flag
 * that names that exact risk; refusals without a flag cannot be overridden. The
 * variant/version gate compares the modem's revision (from AT, when known) with the
 * package's identity.
 *
 * @module
 */
import { PlanRefusedError } from '../errors.js';
import { finding, type Finding } from '../package/findings.js';
import { compareBuilds, type FirmwareIdentity } from '../quectel-revision.js';

export { parseFirmwareIdentity, type FirmwareIdentity } from '../quectel-revision.js';

/** The refusals that still stand after the accepted flags. */
export function standingRefusals(
  findings: readonly Finding[],
  accepted: ReadonlySet<string>,
): Finding[] {
  return findings.filter(
    (f) =>
      f.level === 'refuse' &&
      (f.flag === undefined || !accepted.has(f.flag.split(' ')[0] ?? f.flag)),
  );
}

/** Throws PlanRefusedError if any refusal stands. */
export function enforceGates(findings: readonly Finding[], accepted: ReadonlySet<string>): void {
  const standing = standingRefusals(findings, accepted);
  if (standing.length > 0) throw new PlanRefusedError(standing);
}

/** Variant, NAND-size and downgrade findings for flashing `pkg` onto a modem reporting `modem`. */
export function identityFindings(
  modem: FirmwareIdentity | undefined,
  pkg: FirmwareIdentity | undefined,
): Finding[] {
  if (!modem) return [];
  if (!pkg)
    return [
      finding(
        'refuse',
        'PLAN_PACKAGE_IDENTITY_UNKNOWN',
        'the package name does not say which modem and variant it is for, so qfh cannot check it matches this modem',
        { flag: '--unknown-package-ok' },
      ),
    ];
  const out: Finding[] = [];
  if (modem.variant !== pkg.variant)
    out.push(
      finding(
        'refuse',
        'PLAN_VARIANT_MISMATCH',
        `the modem is ${modem.variant} but the package is for ${pkg.variant}: flashing another variant's firmware bricks modems`,
        { flag: '--force-variant' },
      ),
    );
  if (modem.nand && pkg.nand && modem.nand !== pkg.nand)
    out.push(
      finding(
        'refuse',
        'PLAN_NAND_SIZE_MISMATCH',
        `the modem's NAND is ${modem.nand} but the package is for ${pkg.nand}`,
        { flag: '--force-nand-size' },
      ),
    );
  const older =
    pkg.release < modem.release ||
    (pkg.release === modem.release && pkg.minor < modem.minor) ||
    (pkg.release === modem.release &&
      pkg.minor === modem.minor &&
      modem.build !== undefined &&
      pkg.build !== undefined &&
      compareBuilds(pkg.build, modem.build) < 0);
  if (older)
    out.push(
      finding(
        'refuse',
        'PLAN_DOWNGRADE',
        `the package (R${pad(pkg.release)}A${pad(pkg.minor)}${pkg.build ? ` ${pkg.build}` : ''}) is older than the modem's firmware (R${pad(modem.release)}A${pad(modem.minor)}${modem.build ? ` ${modem.build}` : ''}); Quectel firmware is not meant to be downgraded`,
        { flag: '--allow-downgrade' },
      ),
    );
  return out;
}

const pad = (n: number): string => String(n).padStart(2, '0');
