/**
 * `flash()`: a firmware package onto a modem in EDL. Order of safety: the package is read
 * and every package-level gate is checked before the transport is touched; once the
 * programmer runs, the device's facts (storage kind, sector size, disk size) re-plan and
 * re-check before the first erase or program. Then the plan runs, verified. Every failure
 * is a FlashError whose report says what reached the modem.
 *
 * @module
 */
import { resolve } from 'node:path';
import type { AcceptFlag } from '../accept-flags.js';
import { asQfhError, PlanRefusedError } from '../errors.js';
import { readPackage, type FirmwarePackage } from '../package/read-package.js';
import { checkedPlan, type PlanRequest } from '../plan/gates.js';
import type { FlashPlan } from '../plan/types.js';
import type { ProgrammerSource } from '../sahara/client.js';
import { checkProgrammerFile } from '../sahara/programmer-file.js';
import { openFirehoseSession, type FirehoseSession } from '../session/open-session.js';
import type { Timeouts } from '../timeouts.js';
import type { Transport } from '../transport/transport.js';
import { nextStep } from './advice.js';
import { executePlan } from './execute.js';
import { FlashError, isWrite, type FlashProgress, type FlashReport } from './flash-report.js';

/** Options for {@link flash}. */
export interface FlashOptions {
  /** Verify every written image. @default true */
  verify?: boolean;
  /** Risks the user accepted, by name (`force-variant`, `allow-md5-mismatch`, …). */
  accept?: Iterable<AcceptFlag>;
  /** The modem's revision (ATI/AT+QGMR), when known, for the variant and downgrade gates. */
  modemRevision?: string;
  onProgress?: (p: FlashProgress) => void;
  onLog?: (line: string) => void;
  /** Called with the plan once the device's facts are known, before anything is written. */
  onPlan?: (plan: FlashPlan) => void;
  /** Overrides of the timeouts table. */
  timeouts?: Partial<Timeouts>;
  /** Payload to ask for in configure. @default the storage kind's (8 KiB NAND, 1 MiB otherwise) */
  maxPayload?: number;
  /** A programmer file to use instead of the package's (absolute or relative to the working folder). */
  programmer?: string;
  /**
   * The programmer is already running and the link carries Firehose only: skip Sahara.
   * @default the transport's `firehoseOnly` (true for `/dev/wwanNfirehose0` and `/dev/mhi_EDL`)
   */
  programmerLoaded?: boolean;
  /** Stops the flash at the next safe point (between steps; never inside a raw transfer). */
  signal?: AbortSignal;
  /** How the user named the device (`--device …`), repeated in the advice after a failure. */
  deviceArgument?: string;
  /**
   * Compare each image's range with the modem's SHA-256 first and leave out (with its
   * erase) what is already there; the report lists what was skipped. @default false
   */
  skipUnchanged?: boolean;
}

/** The gate request of these options. */
export function planRequest(options: FlashOptions): PlanRequest {
  return {
    accept: options.accept,
    modemRevision: options.modemRevision,
    programmer: options.programmer === undefined ? undefined : resolve(options.programmer),
    skipUnchanged: options.skipUnchanged,
  };
}

/**
 * Flashes the firmware package (a folder, or an already-read package) onto the modem behind
 * `transport`, which must be in EDL (or already running the programmer).
 * @throws PlanRefusedError before anything is sent when a gate refuses;
 *   FlashError (carrying the report) when anything fails after the transport was touched.
 */
export async function flash(
  firmware: string | FirmwarePackage,
  transport: Transport,
  options: FlashOptions = {},
): Promise<FlashReport> {
  const pkg = typeof firmware === 'string' ? await readPackage(firmware) : firmware;
  const request = planRequest(options);
  const staticPlan = checkedPlan(pkg, request);
  if (request.programmer !== undefined) await checkProgrammerFile(request.programmer);
  const session = await startSession(pkg, transport, { staticPlan, options });
  let plan: FlashPlan;
  try {
    plan = checkedPlan(pkg, { ...request, facts: session.facts });
  } catch (e) {
    // Refused on the modem's own facts: nothing was written, and the programmer answered.
    if (e instanceof PlanRefusedError) throw e;
    throw failedBeforeWrites(staticPlan, transport, { error: e, options });
  }
  options.onPlan?.(plan);
  return executePlan(plan, session.client, {
    files: pkg.source,
    device: transport.description,
    verify: options.verify,
    onProgress: options.onProgress,
    signal: options.signal,
    deviceArgument: options.deviceArgument,
    skipUnchanged: options.skipUnchanged,
  });
}

/**
 * Brings a modem that is already in EDL (05c6:9008), bricked or interrupted, back to the
 * package's contents: the same checked flash, from the PBL (or a programmer still running).
 */
export async function edlRecover(
  firmware: string | FirmwarePackage,
  transport: Transport,
  options: FlashOptions = {},
): Promise<FlashReport> {
  return flash(firmware, transport, options);
}

async function startSession(
  pkg: FirmwarePackage,
  transport: Transport,
  c: { staticPlan: FlashPlan; options: FlashOptions },
): Promise<FirehoseSession> {
  const { options, staticPlan } = c;
  const emit = (phase: FlashProgress['phase']): void =>
    options.onProgress?.({
      phase,
      ops: staticPlan.ops.length,
      bytesDone: 0,
      bytesTotal: staticPlan.totalBytes,
    });
  const luns = staticPlan.ops.flatMap((op) =>
    op.kind === 'program' || op.kind === 'erase'
      ? [op.target.lun]
      : op.kind === 'patch'
        ? [op.lun]
        : [],
  );
  const packaged = options.programmer === undefined && pkg.programmer !== undefined;
  const programmer: string | (ProgrammerSource & { close(): Promise<void> }) | undefined =
    options.programmer !== undefined
      ? resolve(options.programmer)
      : packaged && !(options.programmerLoaded ?? transport.firehoseOnly)
        ? await pkg.source.open(pkg.programmer ?? '')
        : undefined;
  try {
    return await openFirehoseSession(transport, {
      storage: pkg.storage.kind,
      programmer,
      programmerLoaded: options.programmerLoaded,
      timeouts: options.timeouts,
      maxPayload: options.maxPayload,
      luns,
      onLog: options.onLog,
      onPhase: emit,
      signal: options.signal,
    });
  } catch (e) {
    throw failedBeforeWrites(staticPlan, transport, { error: e, options });
  } finally {
    if (typeof programmer === 'object') await programmer.close();
  }
}

/** A failure before the first write: the report says nothing was written. */
function failedBeforeWrites(
  plan: FlashPlan,
  transport: Transport,
  c: { error: unknown; options: FlashOptions },
): FlashError {
  const error = asQfhError(c.error);
  const next = nextStep({
    state: 'untouched',
    error,
    packagePath: plan.package,
    deviceArgument: c.options.deviceArgument,
  });
  const report: FlashReport = {
    ok: false,
    package: plan.package,
    device: transport.description,
    ops: [],
    opsTotal: plan.ops.length,
    bytes: 0,
    seconds: 0,
    state: 'untouched',
    writesSent: 0,
    writesTotal: plan.ops.filter(isWrite).length,
    failure: { op: undefined, code: error.code, message: error.message },
    next,
  };
  return new FlashError(`${error.message} (nothing was written)`, report, {
    code: error.code,
    cause: error,
    hint: next,
  });
}
