/**
 * Executes a resolved FlashPlan over a running Firehose session: ops in order, typed
 * progress events, each program verified (the programmer's getsha256digest where it has
 * one, else a read-back), a per-op report. It stops at the first failure and reports what
 * completed, what state the modem is in and what to run next.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { FlashError, QfhError } from '../errors.js';
import type { FirehoseClient } from '../firehose/client.js';
import type { SectorRange } from '../firehose/commands.js';
import type { FlashPlan, PlanOp } from '../plan/types.js';
import { readSource } from './data-source.js';

/** A progress event. The library never prints; the CLI renders these. */
export interface FlashProgress {
  readonly phase:
    'sahara' | 'configure' | 'erase' | 'program' | 'verify' | 'patch' | 'reset' | 'done';
  /** 0-based index of the op in the plan, for op phases. */
  readonly op?: number;
  readonly ops: number;
  readonly label?: string | undefined;
  /** Image bytes sent so far (whole flash) and in total. */
  readonly bytesDone: number;
  readonly bytesTotal: number;
}

/** What happened to one op. */
export interface OpReport {
  readonly index: number;
  readonly kind: PlanOp['kind'];
  readonly label: string | undefined;
  readonly lun: number | undefined;
  readonly startSector: number | undefined;
  readonly bytes: number;
  readonly seconds: number;
  readonly mbPerSecond: number | undefined;
  readonly verified: 'sha256' | 'read-back' | 'no' | undefined;
}

/** The outcome of a flash. */
export interface FlashReport {
  readonly ok: boolean;
  readonly package: string;
  readonly device: string;
  /** Ops that completed, in order. */
  readonly ops: readonly OpReport[];
  readonly opsTotal: number;
  readonly bytes: number;
  readonly seconds: number;
  /** `untouched`: nothing written; `partial`: some ops done, the modem will not boot; `flashed`: all done. */
  readonly state: 'untouched' | 'partial' | 'flashed';
  readonly failure:
    { readonly op: number; readonly code: string; readonly message: string } | undefined;
  /** What the user should run next, when something failed. */
  readonly next: string | undefined;
}

/** Options for {@link executePlan}. */
export interface ExecuteOptions {
  /** Verify each program. @default true */
  verify?: boolean;
  onProgress?: (p: FlashProgress) => void;
  /** Folder the plan's files are relative to. */
  root: string;
  /** Device description for the report. */
  device: string;
}

function range(op: Extract<PlanOp, { kind: 'program' }>): SectorRange {
  if (op.startSector === undefined)
    throw new QfhError(
      'QFH_PLAN_UNRESOLVED',
      `${op.label ?? op.file ?? 'an image'} has no start sector yet (${op.startExpression})`,
      { hint: 'The disk size is needed: the modem did not report it. Pass it explicitly.' },
    );
  const ppb = op.attributes.find(([k]) => k === 'PAGES_PER_BLOCK')?.[1];
  return {
    sectorSizeInBytes: op.sectorSize,
    numPartitionSectors: op.sectors,
    startSector: op.startSector,
    physicalPartitionNumber: op.lun,
    ...(ppb ? { pagesPerBlock: Number(ppb) } : {}),
  };
}

/** Runs every op of `plan`; throws FlashError (with the report) at the first failure. */
export async function executePlan(
  plan: FlashPlan,
  client: FirehoseClient,
  options: ExecuteOptions,
): Promise<FlashReport> {
  const verify = options.verify ?? true;
  const started = Date.now();
  const done: OpReport[] = [];
  let bytesDone = 0;
  const emit = (p: Omit<FlashProgress, 'ops' | 'bytesDone' | 'bytesTotal'>): void =>
    options.onProgress?.({ ops: plan.ops.length, bytesDone, bytesTotal: plan.totalBytes, ...p });
  const report = (failure?: FlashReport['failure']): FlashReport => {
    const wrote = done.some(
      (o) => o.kind === 'erase' || o.kind === 'program' || o.kind === 'patch',
    );
    return {
      ok: failure === undefined,
      package: plan.package,
      device: options.device,
      ops: done,
      opsTotal: plan.ops.length,
      bytes: bytesDone,
      seconds: (Date.now() - started) / 1000,
      state: failure === undefined ? 'flashed' : wrote ? 'partial' : 'untouched',
      failure,
      next:
        failure === undefined
          ? undefined
          : wrote
            ? `The modem is partly written and will not boot normally. Once it shows up as 05c6:9008 again (replug it if needed), run: qfh edl-recover ${plan.package}`
            : `Nothing was written. Fix the problem above and run qfh flash again.`,
    };
  };
  for (const [index, op] of plan.ops.entries()) {
    const opStarted = Date.now();
    let verified: OpReport['verified'];
    const label =
      op.kind === 'program'
        ? (op.label ?? op.file)
        : op.kind === 'erase'
          ? `erase ${op.startSector ?? '?'}+${op.sectors ?? '?'}`
          : op.kind;
    try {
      if (op.kind === 'erase') {
        emit({ phase: 'erase', op: index, label });
        await client.eraseVerbatim(op.attributes);
      } else if (op.kind === 'program') {
        emit({ phase: 'program', op: index, label });
        const r = range(op);
        const hash = createHash('sha256');
        const base = bytesDone;
        const source = op.source;
        // Hash only when it will be compared: hashing is most of the CPU of a flash.
        async function* hashed(): AsyncGenerator<Uint8Array> {
          for await (const piece of readSource(source, options.root)) {
            if (verify) hash.update(piece);
            yield piece;
          }
        }
        await client.program(
          r,
          hashed(),
          (sent) => {
            bytesDone = base + Math.min(sent, op.bytes);
            emit({ phase: 'program', op: index, label });
          },
          { tag: 'program', attributes: op.attributes },
        );
        bytesDone = base + op.bytes;
        const padding = op.sectors * op.sectorSize - op.bytes;
        if (verify && padding > 0) hash.update(new Uint8Array(padding));
        if (verify) {
          emit({ phase: 'verify', op: index, label });
          verified = await verifyProgram(client, r, hash.digest('hex'), label ?? '');
        } else verified = 'no';
      } else if (op.kind === 'patch') {
        emit({ phase: 'patch', op: index, label });
        await client.exchange({ tag: 'patch', attributes: op.attributes }, 15_000);
      } else if (op.kind === 'set-bootable') {
        await client.setBootableStorageDrive(op.value);
      } else {
        emit({ phase: 'reset', op: index });
        await client.power('reset', op.delaySeconds);
        await client.drainLogs(50);
      }
    } catch (e) {
      const error = e instanceof QfhError ? e : new QfhError('QFH_INTERNAL', (e as Error).message);
      const r = report({ op: index, code: error.code, message: error.message });
      throw new FlashError(
        `flash stopped at step ${index + 1} of ${plan.ops.length} (${label ?? op.kind}): ${error.message}`,
        r,
        {
          code: error.code === 'QFH_VERIFY_MISMATCH' ? 'QFH_VERIFY_MISMATCH' : 'QFH_FLASH_FAILED',
          cause: error,
          hint: r.next ?? error.hint,
        },
      );
    }
    const seconds = (Date.now() - opStarted) / 1000;
    done.push({
      index,
      kind: op.kind,
      label,
      lun: 'lun' in op ? op.lun : undefined,
      startSector: 'startSector' in op ? op.startSector : undefined,
      bytes: op.bytes,
      seconds,
      mbPerSecond: op.kind === 'program' && seconds > 0 ? op.bytes / 1e6 / seconds : undefined,
      verified,
    });
  }
  emit({ phase: 'done' });
  return report();
}

/** Checks what landed: the programmer's digest where it has one, else reading it back. */
async function verifyProgram(
  client: FirehoseClient,
  r: SectorRange,
  expected: string,
  label: string,
): Promise<'sha256' | 'read-back'> {
  let actual: string;
  let how: 'sha256' | 'read-back';
  if (client.functions.has('getsha256digest')) {
    actual = await client.sha256(r);
    how = 'sha256';
  } else {
    const hash = createHash('sha256');
    await client.read(r, (piece) => void hash.update(piece));
    actual = hash.digest('hex');
    how = 'read-back';
  }
  if (actual !== expected) {
    throw new QfhError(
      'QFH_VERIFY_MISMATCH',
      `${label} did not verify: the modem holds sha256 ${actual.slice(0, 16)}…, qfh sent ${expected.slice(0, 16)}…`,
      {
        hint: 'The flash memory did not keep what was written (a bad block or a failing chip). Run qfh edl-recover; if it fails again the modem needs service.',
      },
    );
  }
  return how;
}
