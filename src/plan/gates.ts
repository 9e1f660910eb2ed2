/**
 * Safety gates. Every `refuse` finding stops a flash unless the user passed the one flag
 * that names that exact risk (`accept-flags.ts`); refusals without a flag cannot be
 * overridden. The variant/version gate compares the modem's revision (from AT, when known)
 * with the package's identity. The plan with every finding is built in one place,
 * {@link planPackage}, for `qfh plan`, `qfh flash` and the library alike.
 *
 * @module
 */
import { overrideText, type AcceptFlag } from '../accept-flags.js';
import type { DeviceFacts } from '../device-facts.js';
import { PlanRefusedError } from '../errors.js';
import { finding, type Finding, type FirmwarePackage } from '../package/portable.js';
import {
  compareBuilds,
  parseFirmwareIdentity,
  type FirmwareIdentity,
} from '../quectel-revision.js';
import { buildPlan } from './build-plan.js';
import type { FlashPlan } from './types.js';

export { parseFirmwareIdentity, type FirmwareIdentity } from '../quectel-revision.js';

/** What a plan is checked against, and which risks the user accepted. */
export interface PlanRequest {
  /** The device's facts, once a session has them. */
  readonly facts?: DeviceFacts | undefined;
  /** Accept flags, by name without dashes (`force-variant`). */
  readonly accept?: Iterable<AcceptFlag> | undefined;
  /** The modem's revision (ATI / AT+QGMR), when known, for the variant and downgrade gates. */
  readonly modemRevision?: string | undefined;
  /** A programmer the user named instead of the package's (path). */
  readonly programmer?: string | undefined;
  /** `--skip-unchanged`: the plan notes that the flash compares before it writes. */
  readonly skipUnchanged?: boolean | undefined;
}

/** The plan with every finding: package, device, identity; the user's programmer applied. */
export function planPackage(pkg: FirmwarePackage, request: PlanRequest = {}): FlashPlan {
  const plan = buildPlan(pkg, request.facts);
  const modem = request.modemRevision ? parseFirmwareIdentity(request.modemRevision) : undefined;
  const identity = identityFindings(modem, parseFirmwareIdentity(pkg.name));
  const findings = [...plan.findings, ...identity, ...skipNote(request)];
  if (!request.programmer) return { ...plan, findings };
  // Findings about the package's own programmer are moot once the user names one.
  const own = findings.filter((f) => f.flag !== 'programmer');
  return { ...plan, programmer: request.programmer, findings: own };
}

/** The note that `--skip-unchanged` is on: the decisions are the modem's, made when flashing. */
function skipNote(request: PlanRequest): Finding[] {
  if (!request.skipUnchanged) return [];
  return [
    finding(
      'info',
      'PLAN_SKIP_UNCHANGED',
      "--skip-unchanged: before writing, each image's range is compared with the modem's SHA-256 of it; images already there are not written, nor is their erase (the flash report lists them)",
    ),
  ];
}

/** Codes of the findings {@link identityFindings} makes. */
const IDENTITY_CODES: ReadonlySet<string> = new Set([
  'PLAN_PACKAGE_IDENTITY_UNKNOWN',
  'PLAN_VARIANT_MISMATCH',
  'PLAN_NAND_SIZE_MISMATCH',
  'PLAN_DOWNGRADE',
]);

/**
 * A plan made by {@link planPackage} for `request`, gated again for the revision one modem
 * reports, without building it again: only the identity findings depend on the revision.
 * @throws PlanRefusedError naming each standing refusal and the flag that accepts it.
 */
export function checkedForRevision(
  plan: FlashPlan,
  pkg: FirmwarePackage,
  request: PlanRequest,
): FlashPlan {
  const modem = request.modemRevision ? parseFirmwareIdentity(request.modemRevision) : undefined;
  const identity = identityFindings(modem, parseFirmwareIdentity(pkg.name));
  const kept = plan.findings.filter((f) => !IDENTITY_CODES.has(f.code));
  const gated = { ...plan, findings: [...kept, ...identity] };
  refuseStanding(gated, request);
  return gated;
}

/** The refusals that still stand after the accepted flags. */
export function standingRefusals(findings: readonly Finding[], request: PlanRequest): Finding[] {
  const accepted = new Set<string>(request.accept ?? []);
  if (request.programmer) accepted.add('programmer');
  return findings.filter(
    (f) => f.level === 'refuse' && (f.flag === undefined || !accepted.has(f.flag)),
  );
}

/**
 * The plan, if no refusal stands.
 * @throws PlanRefusedError naming each standing refusal and the flag that accepts it.
 */
export function checkedPlan(pkg: FirmwarePackage, request: PlanRequest = {}): FlashPlan {
  const plan = planPackage(pkg, request);
  refuseStanding(plan, request);
  return plan;
}

/**
 * Throws unless every refusal of `plan` is accepted by `request`.
 * @throws PlanRefusedError naming each standing refusal and the flag that accepts it.
 */
export function refuseStanding(plan: FlashPlan, request: PlanRequest): void {
  const standing = standingRefusals(plan.findings, request);
  if (standing.length > 0)
    throw new PlanRefusedError(
      standing.map((f) => ({
        code: f.code,
        message: f.message,
        ...(f.flag ? { flag: overrideText(f.flag) } : {}),
      })),
    );
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
        {
          flag: 'unknown-package-ok',
        },
      ),
    ];
  const out: Finding[] = [];
  if (modem.variant !== pkg.variant)
    out.push(
      finding(
        'refuse',
        'PLAN_VARIANT_MISMATCH',
        `the modem is ${modem.variant} but the package is for ${pkg.variant}: flashing another variant's firmware bricks modems`,
        {
          flag: 'force-variant',
        },
      ),
    );
  if (modem.nand && pkg.nand && modem.nand !== pkg.nand)
    out.push(
      finding(
        'refuse',
        'PLAN_NAND_SIZE_MISMATCH',
        `the modem's NAND is ${modem.nand} but the package is for ${pkg.nand}`,
        {
          flag: 'force-nand-size',
        },
      ),
    );
  if (isOlder(pkg, modem))
    out.push(
      finding(
        'refuse',
        'PLAN_DOWNGRADE',
        `the package (${version(pkg)}) is older than the modem's firmware (${version(modem)}); Quectel firmware is not meant to be downgraded`,
        {
          flag: 'allow-downgrade',
        },
      ),
    );
  return out;
}

function isOlder(pkg: FirmwareIdentity, modem: FirmwareIdentity): boolean {
  if (pkg.release !== modem.release) return pkg.release < modem.release;
  if (pkg.minor !== modem.minor) return pkg.minor < modem.minor;
  return (
    modem.build !== undefined &&
    pkg.build !== undefined &&
    compareBuilds(pkg.build, modem.build) < 0
  );
}

const pad = (n: number): string => String(n).padStart(2, '0');
const version = (i: FirmwareIdentity): string =>
  `R${pad(i.release)}A${pad(i.minor)}${i.build ? ` ${i.build}` : ''}`;
