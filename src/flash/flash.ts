/**
 * `flash()`: a firmware package onto a modem in EDL. Order of safety: the package is read
 * and every package-level gate is checked before the transport is touched; once the
 * programmer runs, the device's facts (storage kind, sector size, disk size) re-plan and
 * re-check before the first erase or program. Then the plan runs, verified. Every failure
 * is a FlashError whose report says what reached the modem.
 *
 * @module
 */
import { asQfhError, InterruptedError, PlanRefusedError } from '../errors.js';
import type { FirmwarePackage } from '../package/read-package.js';
import { checkedPlan } from '../plan/gates.js';
import type { FlashPlan } from '../plan/types.js';
import { openFirehoseSession, type FirehoseSession } from '../session/open-session.js';
import type { Timeouts } from '../timeouts.js';
import type { Transport } from '../transport/transport.js';
import { adviseNext } from './advice.js';
import { executePlan } from './execute.js';
import type { OpenedProgrammer } from './flash-runtime.js';
import { FlashError, isWrite, type FlashProgress, type FlashReport } from './flash-report.js';
import {
  hostFiles,
  prepareFlash,
  preparedForModem,
  type PrepareOptions,
  type PreparedFlash,
} from './prepare.js';

/** Options for {@link flash}. */
export interface FlashOptions extends Omit<PrepareOptions, 'onPackagePlan'> {
  /** Verify every written image. @default true */
  verify?: boolean;
  onProgress?: (p: FlashProgress) => void;
  onLog?: (line: string) => void;
  /** Called with the plan once the device's facts are known, before anything is written. */
  onPlan?: (plan: FlashPlan) => void;
  /** Overrides of the timeouts table. */
  timeouts?: Partial<Timeouts>;
  /** Payload to ask for in configure. @default the storage kind's (8 KiB NAND, 1 MiB otherwise) */
  maxPayload?: number;
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
   * The arguments that reach the device, repeated in the advice's commands instead of
   * `--device deviceArgument` (`['--relay', '192.168.1.1']`).
   */
  route?: readonly string[] | undefined;
  /**
   * The modem may hold what an earlier, interrupted run left (`edl-recover`): a failure that
   * writes nothing does not say it keeps its firmware. @default false; true in {@link edlRecover}
   */
  recovering?: boolean;
}

/**
 * Flashes the firmware package (a folder, a package already read, or a request already
 * prepared by `prepareFlash()`) onto the modem behind `transport`, which must be in EDL (or
 * already running the programmer). With a prepared request, its accept flags, programmer
 * and skip-unchanged choice are the ones used; `options.modemRevision` re-gates it.
 * @throws PlanRefusedError before anything is sent when a gate refuses;
 *   FlashError (carrying the report) when anything fails after the transport was touched.
 */
export async function flash(
  firmware: string | FirmwarePackage | PreparedFlash,
  transport: Transport,
  options: FlashOptions = {},
): Promise<FlashReport> {
  const prepared = preparedForModem(await prepareFlash(firmware, options), options.modemRevision);
  const { pkg, request } = prepared;
  const staticPlan = prepared.plan;
  const session = await startSession(prepared, transport, options);
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
    route: options.route,
    recovering: options.recovering,
    skipUnchanged: request.skipUnchanged,
    runtime: options.runtime,
  });
}

/**
 * Brings a modem that is already in EDL (05c6:9008), bricked or interrupted, back to the
 * package's contents: the same checked flash, from the PBL (or a programmer still running).
 */
export async function edlRecover(
  firmware: string | FirmwarePackage | PreparedFlash,
  transport: Transport,
  options: FlashOptions = {},
): Promise<FlashReport> {
  return flash(firmware, transport, { recovering: true, ...options });
}

async function startSession(
  prepared: PreparedFlash,
  transport: Transport,
  options: FlashOptions,
): Promise<FirehoseSession> {
  const { pkg, plan: staticPlan } = prepared;
  const named = prepared.request.programmer;
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
  const uploads = !(options.programmerLoaded ?? transport.firehoseOnly);
  let programmer: OpenedProgrammer | undefined;
  try {
    // Opened here, not in the session, so a page's runtime (no file system) serves the
    // package's own programmer; the one the user named comes through the runtime's files.
    if (uploads && named !== undefined)
      programmer = await hostFiles(options.runtime).openProgrammer(named);
    else if (uploads && pkg.programmer !== undefined)
      programmer = await pkg.source.open(pkg.programmer);
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
    await programmer?.close();
  }
}

/** A failure before the first write: the report says nothing was written. */
function failedBeforeWrites(
  plan: FlashPlan,
  transport: Transport,
  c: { error: unknown; options: FlashOptions },
): FlashError {
  // A stop request ends whatever wait was running; it is the stop, not that wait, to report.
  const error = c.options.signal?.aborted
    ? new InterruptedError('stopped on request before anything was written', { cause: c.error })
    : asQfhError(c.error);
  const step = adviseNext({
    state: 'untouched',
    error,
    packagePath: plan.package,
    deviceArgument: c.options.deviceArgument,
    route: c.options.route,
    recovering: c.options.recovering,
  });
  const next = step.text;
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
    nextStep: step,
  };
  return new FlashError(`${error.message} (nothing was written)`, report, {
    code: error.code,
    cause: error,
    hint: next,
  });
}
