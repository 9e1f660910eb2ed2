/**
 * `prepareFlash()`: one flash request decided once. The package is read, the accept flags
 * checked, the programmer the user named checked, and the plan built and gated, before any
 * device is looked for. Flashing then takes the prepared request: each modem only re-gates
 * its own revision (no rebuild) and builds the plan once more with its own facts (storage
 * kind, sector size, disk size) from the programmer. `qfh flash`, `flash()`,
 * `flashFromNormalMode()` and `flashMany()` all start here.
 *
 * @module
 */
import { checkedAcceptFlags, type AcceptFlag } from '../accept-flags.js';
import { UsageError } from '../errors.js';
import { type FirmwarePackage } from '../package/read-package.js';
import {
  checkedForRevision,
  planPackage,
  refuseStanding,
  type PlanRequest,
} from '../plan/gates.js';
import type { FlashPlan } from '../plan/types.js';
import { portableRuntime, type FlashRuntime, type HostFiles } from './flash-runtime.js';

/** What a request is made of: the choices that shape the plan. */
export interface PrepareOptions {
  /** Risks the user accepted, by name (`force-variant`, `allow-md5-mismatch`, …). An unknown name is an error. */
  accept?: Iterable<AcceptFlag> | undefined;
  /** The modem's revision (ATI/AT+QGMR), when known, for the variant and downgrade gates. */
  modemRevision?: string | undefined;
  /**
   * A programmer file to use instead of the package's (absolute or relative to the working
   * folder). Needs a runtime with files (Node's).
   */
  programmer?: string | undefined;
  /** Compare each image's range with the modem's digest first (see FlashOptions). @default false */
  skipUnchanged?: boolean | undefined;
  /**
   * Called with the package's plan and every finding, before its refusals are enforced: a
   * caller shows the user what qfh would do, and why it refuses, from here.
   */
  onPackagePlan?: ((plan: FlashPlan, request: PlanRequest) => void) | undefined;
  /**
   * Hashing and files (`flash-runtime.ts`). @default portableRuntime from `qfh/core`,
   * Node's from `qfh`
   */
  runtime?: FlashRuntime | undefined;
}

/** A request decided once: pass it to `flash()`, `flashFromNormalMode()` or `flashMany()`. */
export interface PreparedFlash {
  readonly kind: 'prepared-flash';
  readonly pkg: FirmwarePackage;
  /** The request every modem is checked against (the programmer path resolved). */
  readonly request: PlanRequest;
  /** The checked plan before any device's facts: what `qfh plan` shows. */
  readonly plan: FlashPlan;
}

/** Whether `x` is a {@link PreparedFlash}. */
export function isPrepared(x: unknown): x is PreparedFlash {
  return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'prepared-flash';
}

/**
 * Reads the package (unless given one already read), checks the accept flags and the named
 * programmer, builds and gates the plan.
 * @throws UsageError for an unknown accept flag; PlanRefusedError when a refusal stands;
 *   the package reader's and programmer check's errors. Nothing was sent to any device.
 */
export async function prepareFlash(
  firmware: string | FirmwarePackage | PreparedFlash,
  options: PrepareOptions = {},
): Promise<PreparedFlash> {
  if (isPrepared(firmware)) return unchanged(firmware, options);
  const files = (): HostFiles => hostFiles(options.runtime);
  const request: PlanRequest = {
    accept: checkedAcceptFlags(options.accept),
    modemRevision: options.modemRevision,
    programmer:
      options.programmer === undefined ? undefined : files().programmerPath(options.programmer),
    skipUnchanged: options.skipUnchanged,
  };
  const pkg = typeof firmware === 'string' ? await files().readPackage(firmware) : firmware;
  // Before the plan is shown: a plan ending "qfh would flash this package" and then a
  // refusal of the programmer read as a contradiction (as `qfh plan` does it).
  if (request.programmer !== undefined) {
    const programmer = await files().openProgrammer(request.programmer);
    await programmer.close();
  }
  const plan = planPackage(pkg, request);
  options.onPackagePlan?.(plan, request);
  refuseStanding(plan, request);
  return { kind: 'prepared-flash', pkg, request, plan };
}

/**
 * The runtime's file system, for a package or programmer named by path.
 * @throws UsageError where the runtime has none (a page hands over the files themselves).
 */
export function hostFiles(runtime: FlashRuntime = portableRuntime): HostFiles {
  if (runtime.files) return runtime.files;
  throw new UsageError('QFH_USAGE', 'a path was given where this runtime has no file system', {
    hint: "Hand over the package's files instead (memorySource or zipSource, then readPackageSource); without a file system the package's own programmer is used.",
  });
}

/**
 * A prepared request, refusing options that would have made another one: a programmer,
 * accept flags or skip-unchanged given again and different would otherwise be ignored.
 * @throws UsageError naming the option.
 */
function unchanged(prepared: PreparedFlash, o: PrepareOptions): PreparedFlash {
  const r = prepared.request;
  const sameSet = (a: Iterable<string>, b: Iterable<string>): boolean => {
    const x = new Set(a);
    const y = new Set(b);
    return x.size === y.size && [...x].every((v) => y.has(v));
  };
  const differs = [
    o.programmer !== undefined &&
    o.programmer !== r.programmer &&
    hostFiles(o.runtime).programmerPath(o.programmer) !== r.programmer
      ? 'programmer'
      : '',
    o.accept !== undefined && !sameSet(o.accept, r.accept ?? []) ? 'accept' : '',
    o.skipUnchanged !== undefined && o.skipUnchanged !== Boolean(r.skipUnchanged)
      ? 'skipUnchanged'
      : '',
  ].filter((d) => d !== '');
  if (differs.length > 0)
    throw new UsageError(
      'QFH_USAGE',
      `the request was prepared with other ${differs.join(', ')}: a prepared flash keeps the choices it was prepared with`,
      { hint: `Pass ${differs.join(', ')} to prepareFlash(), not to the flash.` },
    );
  return prepared;
}

/**
 * The prepared request for one modem reporting `modemRevision` (unchanged when that is
 * unknown or the one it was prepared with).
 * @throws PlanRefusedError when the modem's identity is refused (variant, NAND size, downgrade).
 */
export function preparedForModem(
  prepared: PreparedFlash,
  modemRevision: string | undefined,
): PreparedFlash {
  if (modemRevision === undefined || modemRevision === prepared.request.modemRevision)
    return prepared;
  const request = { ...prepared.request, modemRevision };
  return { ...prepared, request, plan: checkedForRevision(prepared.plan, prepared.pkg, request) };
}
