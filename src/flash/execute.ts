/**
 * Executes a resolved FlashPlan over a running Firehose session: ops in order, typed
 * progress events, each program verified, a per-op report. It stops at the first failure,
 * or at the next op boundary once its AbortSignal is aborted, and reports what completed,
 * the modem's state as derived from what reached the wire, and what to run next.
 *
 * @module
 */
import { asQfhError, InterruptedError, type QfhError } from '../errors.js';
import type { FirehoseClient } from '../firehose/client.js';
import type { PackageSource } from '../package/package-source.js';
import type { FlashPlan, PlanOp } from '../plan/types.js';
import { adviseNext } from './advice.js';
import { portableRuntime, type FlashRuntime } from './flash-runtime.js';
import {
  FlashError,
  isWrite,
  type FlashProgress,
  type FlashReport,
  type FlashState,
  type OpReport,
} from './flash-report.js';
import { runOp } from './run-op.js';
import { decideSkips, type SkipDecision, type SkipSummary } from './skip-unchanged.js';

/** Options for {@link executePlan}. */
export interface ExecuteOptions {
  /** Verify each program. @default true */
  readonly verify?: boolean | undefined;
  readonly onProgress?: ((p: FlashProgress) => void) | undefined;
  /** Where the plan's files are read from. */
  readonly files: PackageSource;
  /** Device description for the report. */
  readonly device: string;
  /** How the user named the device, to repeat in the advice. */
  readonly deviceArgument?: string | undefined;
  /** The arguments that reach the device, repeated in the advice (see FlashOptions.route). */
  readonly route?: readonly string[] | undefined;
  /** The modem may hold what an earlier run left (see FlashOptions.recovering). */
  readonly recovering?: boolean | undefined;
  /** Stops at the next op boundary (never inside one). */
  readonly signal?: AbortSignal | undefined;
  /** Leave out what the modem already holds (`skip-unchanged.ts`). @default false */
  readonly skipUnchanged?: boolean | undefined;
  /** Hashing (and where it runs). @default portableRuntime (Node's entry passes its own) */
  readonly runtime?: FlashRuntime | undefined;
}

const WRITE_TAGS = ['erase', 'program', 'patch'] as const;

const labelOf = (op: PlanOp): string =>
  op.kind === 'program'
    ? (op.label ?? op.file ?? 'image')
    : op.kind === 'erase'
      ? `erase ${op.target.startSector ?? op.target.startExpression}+${op.target.sectors ?? '?'}`
      : op.kind;

/** Runs every op of `plan`; throws FlashError (with the report) at the first failure. */
export async function executePlan(
  plan: FlashPlan,
  client: FirehoseClient,
  options: ExecuteOptions,
): Promise<FlashReport> {
  const run = new Run(plan, client, options);
  const skips = options.skipUnchanged ? await run.compare() : undefined;
  for (const [index, op] of plan.ops.entries()) {
    try {
      if (options.signal?.aborted) throw new InterruptedError('stopped on request between steps');
      if (skips?.skipped.has(index)) run.skip(index, op);
      else await run.op(index, op);
    } catch (e) {
      throw run.failed(index, stopOrError(e, options.signal));
    }
  }
  run.emit({ phase: 'done' });
  return run.report(undefined);
}

/**
 * A failure after a stop request is the stop: a second Ctrl-C closes the device under a step
 * (the transport then reports it closed), which is the user's doing, not a fault; and the
 * programmer was cut off mid-step, so it must be restarted.
 */
function stopOrError(e: unknown, signal: AbortSignal | undefined): QfhError {
  const error = asQfhError(e);
  if (!signal?.aborted || error instanceof InterruptedError) return error;
  return new InterruptedError(`stopped at once on a second request (${error.message})`, {
    cause: error,
    forced: true,
  });
}

/** The bookkeeping of one execution. */
class Run {
  private readonly started = Date.now();
  private readonly done: OpReport[] = [];
  private bytesDone = 0;
  private readonly sentBefore: number;
  private skipSummary: SkipSummary | undefined;

  constructor(
    private readonly plan: FlashPlan,
    private readonly client: FirehoseClient,
    private readonly options: ExecuteOptions,
  ) {
    this.sentBefore = this.writesOnWire();
  }

  private writesOnWire(): number {
    return WRITE_TAGS.reduce((n, tag) => n + (this.client.sentCounts.get(tag) ?? 0), 0);
  }

  emit(p: Omit<FlashProgress, 'ops' | 'bytesDone' | 'bytesTotal'>): void {
    const { ops } = this.plan;
    this.options.onProgress?.({
      ops: ops.length,
      bytesDone: this.bytesDone,
      bytesTotal: this.plan.totalBytes,
      ...p,
    });
  }

  /** Compares the modem's ranges with the package before the first write. */
  async compare(): Promise<SkipDecision> {
    try {
      const decision = await decideSkips(this.plan, {
        client: this.client,
        files: this.options.files,
        runtime: this.options.runtime ?? portableRuntime,
        onCompare: (label) => this.emit({ phase: 'compare', label }),
      });
      this.skipSummary = decision.summary;
      return decision;
    } catch (e) {
      throw this.failed(undefined, asQfhError(e));
    }
  }

  /** Records an op left out because the modem already holds its bytes. */
  skip(index: number, op: PlanOp): void {
    this.bytesDone += op.bytes;
    this.done.push({
      ...this.opReport(index, op, 0),
      verified: op.kind === 'program' ? 'sha256' : undefined,
      skipped: 'unchanged',
    });
  }

  private opReport(index: number, op: PlanOp, seconds: number): OpReport {
    return {
      index,
      kind: op.kind,
      label: labelOf(op),
      lun:
        op.kind === 'program' || op.kind === 'erase'
          ? op.target.lun
          : op.kind === 'patch'
            ? op.lun
            : undefined,
      startSector: op.kind === 'program' || op.kind === 'erase' ? op.target.startSector : undefined,
      bytes: op.bytes,
      seconds,
      mbPerSecond: op.kind === 'program' && seconds > 0 ? op.bytes / 1e6 / seconds : undefined,
      verified: undefined,
    };
  }

  async op(index: number, op: PlanOp): Promise<void> {
    const opStarted = Date.now();
    const label = labelOf(op);
    const phase = op.kind === 'set-bootable' ? 'reset' : op.kind;
    this.emit({ phase, op: index, label });
    const base = this.bytesDone;
    const outcome = await runOp(op, {
      client: this.client,
      files: this.options.files,
      verify: this.options.verify ?? true,
      runtime: this.options.runtime ?? portableRuntime,
      onBytes: (sent) => {
        this.bytesDone = base + Math.min(sent, op.bytes);
        this.emit({ phase: 'program', op: index, label });
      },
      onVerify: () => this.emit({ phase: 'verify', op: index, label }),
    });
    this.bytesDone = base + op.bytes;
    const seconds = (Date.now() - opStarted) / 1000;
    this.done.push({
      ...this.opReport(index, op, seconds),
      verified: outcome.verified,
      ...(outcome.verifyNote ? { verifyNote: outcome.verifyNote } : {}),
    });
  }

  private state(failed: boolean): FlashState {
    if (!failed) return 'flashed';
    if (this.writesOnWire() === this.sentBefore) return 'untouched';
    const writes = this.plan.ops.filter(isWrite).length;
    return this.done.filter(isWrite).length === writes ? 'complete' : 'partial';
  }

  report(failure: { op: number | undefined; error: QfhError } | undefined): FlashReport {
    const state = this.state(failure !== undefined);
    return {
      ok: failure === undefined,
      package: this.plan.package,
      device: this.options.device,
      ops: this.done,
      opsTotal: this.plan.ops.length,
      bytes: this.bytesDone - (this.skipSummary?.bytesSkipped ?? 0),
      seconds: (Date.now() - this.started) / 1000,
      state,
      writesSent: this.writesOnWire() - this.sentBefore,
      writesTotal: this.plan.ops.filter(isWrite).length,
      failure: failure && {
        op: failure.op,
        code: failure.error.code,
        message: failure.error.message,
      },
      ...(this.skipSummary ? { skipUnchanged: this.skipSummary } : {}),
      ...this.advice(state, failure?.error),
    };
  }

  private advice(
    state: FlashState,
    error: QfhError | undefined,
  ): Pick<FlashReport, 'next' | 'nextStep'> {
    if (!error) return { next: undefined };
    const nextStep = adviseNext({
      state,
      error,
      packagePath: this.plan.package,
      deviceArgument: this.options.deviceArgument,
      route: this.options.route,
      recovering: this.options.recovering,
      writesDone: this.done.filter(isWrite).length,
    });
    return { next: nextStep.text, nextStep };
  }

  failed(index: number | undefined, error: QfhError): FlashError {
    if (error instanceof FlashError) return error;
    const report = this.report({ op: index, error });
    const op = index === undefined ? undefined : this.plan.ops[index];
    const where =
      index === undefined
        ? 'while comparing the modem with the package'
        : `at step ${index + 1} of ${this.plan.ops.length} (${op ? labelOf(op) : '?'})`;
    return new FlashError(`flash stopped ${where}: ${error.message}`, report, {
      code: error.code,
      cause: error,
      hint: report.next ?? error.hint,
    });
  }
}
