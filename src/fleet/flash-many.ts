/**
 * `flashMany()`: one package onto many modems from one process, all at once. Each modem goes
 * through the same `flash()` (or `flashFromNormalMode()`) as a single one: its own gates, so
 * a modem of another variant is refused alone; its own Sahara and Firehose session; its own
 * report. Nothing one modem does reaches another: a failure is caught and recorded as that
 * modem's outcome, and the others go on. One AbortSignal stops them all, each at its next
 * safe point (before its switch to EDL, between steps, never inside a raw transfer).
 *
 * @module
 */
import { asQfhError, InterruptedError, type QfhError } from '../errors.js';
import { FlashError } from '../flash/flash-report.js';
import type { FlashOptions } from '../flash/flash.js';
import type { NormalModeAccess } from '../flash/from-normal-mode.js';
import { flash, flashFromNormalMode, prepareFlash } from '../flash/node-flash.js';
import type { PreparedFlash } from '../flash/prepare.js';
import type {
  DeviceOutcome,
  DeviceResult,
  FleetConnection,
  FleetResult,
  FleetTarget,
  FlashManyOptions,
} from './fleet-types.js';

export type * from './fleet-types.js';

/**
 * Flashes `options.firmware` onto every target at once.
 * @returns every modem's result; never throws for one modem's failure.
 * @throws only what stops all of them before any is opened: an unreadable package, a
 *   refusal of the package itself, an unknown accept flag, an unusable `programmer`.
 */
export async function flashMany(
  targets: readonly FleetTarget[],
  options: FlashManyOptions,
): Promise<FleetResult> {
  const prepared = await prepareFlash(options.firmware, options);
  const limit = Math.max(1, options.concurrency ?? targets.length);
  const results: DeviceResult[] = new Array<DeviceResult>(targets.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < targets.length; i = next++) {
      const target = targets[i];
      if (!target) continue;
      const result = await flashOne(prepared, target, options);
      results[i] = result;
      options.onDone?.(result);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, targets.length) }, worker));
  return {
    ok: results.every((r) => r.outcome === 'flashed'),
    package: prepared.pkg.root,
    devices: results,
  };
}

const COULD_NOT_CLEAN_UP =
  'could not undo what opening the modem changed on this host (the kernel firmware search path, /sys/module/firmware_class/parameters/path)';

/** The outcome an error means. */
export function outcomeOf(error: QfhError): Exclude<DeviceOutcome, 'flashed'> {
  if (error.code === 'QFH_REFUSED') return 'refused';
  if (error.code === 'QFH_INTERRUPTED') return 'stopped';
  return 'failed';
}

/**
 * The options of `flash()` every modem shares as given. The request's choices (accept
 * flags, programmer, skip-unchanged) travel in the prepared request, decided once.
 */
const SHARED = [
  'verify',
  'timeouts',
  'maxPayload',
  'programmerLoaded',
  'signal',
  'recovering',
] as const satisfies readonly (keyof FlashOptions & keyof FlashManyOptions)[];

/** The flash options of one modem: the shared ones, with its callbacks and its name. */
function optionsFor(target: FleetTarget, o: FlashManyOptions): FlashOptions {
  const device = target.device;
  const shared: FlashOptions = {};
  for (const key of SHARED) if (o[key] !== undefined) Object.assign(shared, { [key]: o[key] });
  const argument = 'deviceArgument' in target ? target.deviceArgument : device;
  return {
    ...shared,
    ...(argument === undefined ? {} : { deviceArgument: argument }),
    ...(target.route === undefined ? {} : { route: target.route }),
    onProgress: (p) => o.onProgress?.(device, p),
    onLog: (line) => o.onLog?.(device, line),
    ...(target.modemRevision === undefined ? {} : { modemRevision: target.modemRevision }),
  };
}

async function flashOne(
  pkg: PreparedFlash,
  target: FleetTarget,
  o: FlashManyOptions,
): Promise<DeviceResult> {
  const started = Date.now();
  const device = target.device;
  const seconds = (): number => (Date.now() - started) / 1000;
  let connection: FleetConnection | undefined;
  try {
    if (o.signal?.aborted) throw new InterruptedError('stopped on request before it was opened');
    o.onStep?.(device, 'connecting');
    connection = await target.connect({
      signal: o.signal,
      onMessage: (line) => o.onMessage?.(device, line),
    });
    if (connection.mode === 'edl') {
      o.onStep?.(device, 'flashing');
      const report = await flash(pkg, connection.transport, optionsFor(target, o));
      return {
        device,
        outcome: 'flashed',
        mode: 'edl',
        state: report.state,
        report,
        error: undefined,
        seconds: seconds(),
      };
    }
    o.onStep?.(device, 'identifying');
    const r = await flashFromNormalMode(pkg, guarded(connection.access, target, o), {
      ...optionsFor(target, o),
      ...(o.edlSwitch ? { edlSwitch: o.edlSwitch } : {}),
      onIdentity: (identity) => o.onIdentity?.(device, identity),
    });
    return {
      device,
      outcome: 'flashed',
      mode: 'normal',
      state: r.report.state,
      report: r.report,
      error: undefined,
      identity: { before: r.before, after: r.after },
      checks: r.checks,
      afterProblem: r.afterProblem,
      seconds: seconds(),
    };
  } catch (e) {
    const error = asQfhError(e);
    const report = e instanceof FlashError ? e.report : undefined;
    return {
      device,
      outcome: outcomeOf(error),
      mode: connection?.mode,
      state: report?.state ?? 'untouched',
      report,
      error,
      seconds: seconds(),
    };
  } finally {
    if (connection?.mode === 'edl') await connection.transport.close().catch(() => undefined);
    if (connection?.mode === 'normal')
      await connection.cleanup?.().catch(() => o.onMessage?.(device, COULD_NOT_CLEAN_UP));
  }
}

/**
 * The modem's access with the stop request checked just before its DIAG switch (the last
 * moment it can be left as it was) and the steps reported as they come.
 */
function guarded(
  access: NormalModeAccess,
  target: FleetTarget,
  o: FlashManyOptions,
): NormalModeAccess {
  const reopen = access.reopenAt?.bind(access);
  return {
    at: access.at,
    diag: access.diag,
    ...(access.programmerLoaded === undefined ? {} : { programmerLoaded: access.programmerLoaded }),
    beforeSwitch: async (modem, pkg) => {
      if (o.signal?.aborted)
        throw new InterruptedError(
          'stopped on request before the switch to EDL: the modem is as it was',
        );
      await access.beforeSwitch?.(modem, pkg);
      o.onStep?.(target.device, 'switching');
    },
    openEdl: async () => {
      const edl = await access.openEdl();
      o.onStep?.(target.device, 'flashing');
      return edl;
    },
    ...(reopen
      ? {
          reopenAt: async () => {
            o.onStep?.(target.device, 'checking');
            return reopen();
          },
        }
      : {}),
  };
}
