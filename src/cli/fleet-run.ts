/**
 * The device half of `qfh flash` for several modems (`--device` repeated, a port, or
 * `--all`): the modems chosen and the ones left out said, the same pre-flight as one modem,
 * all flashed at once by `flashMany` with a line of progress each, Ctrl-C stopping all of
 * them at safe points (twice: closing their devices), then the update records of the modems
 * switched from normal mode, the summary table and the command that retries the failures.
 *
 * @module
 */
import { DeviceNotFoundError } from '../errors.js';
import { opensNewModem } from '../transport/select-device.js';
import { systemBus, type ModemBus } from '../fleet/bus.js';
import { flashMany } from '../fleet/flash-many.js';
import type { DeviceResult, FleetTarget } from '../fleet/fleet-types.js';
import { selectAll, type Selection, type SkippedModem } from '../fleet/select-all.js';
import type { Transport } from '../transport/transport.js';
import type { RunContext } from './command.js';
import type { FleetDevice } from './fleet-args.js';
import { ExitCode } from './exit-codes.js';
import { onThisHost, targetSettings, withHeldHost, type FlashSettings } from './flash-run.js';
import { deviceTarget, tappedTargets } from './flash-targets.js';
import {
  fleetFailure,
  renderSummary,
  retryCommand,
  summarise,
  type RetryBase,
} from './fleet-summary.js';
import { fleetView, type FleetView } from './fleet-view.js';
import { watchInterrupts } from './interrupts.js';
import { recordPath, saveUpdateRecord } from './update-record.js';

/** What the flash command settled on for several modems. */
export interface FleetRun extends FlashSettings {
  /** The `--device` values, in order (empty with `--all`). */
  readonly devices: readonly FleetDevice[];
  readonly all: boolean;
  /** How to word the command that retries the failures. */
  readonly retry: RetryBase;
}

/** Flashes every chosen modem; resolves to the exit status (0 only if all were flashed). */
export async function runFleet(run: FleetRun, ctx: RunContext): Promise<number> {
  const bus = ctx.bus ?? systemBus();
  const selection = await choose(run, { bus, ctx });
  for (const s of selection.skipped) {
    ctx.out.stderr(`qfh: left out ${s.device}: ${s.reason}\n`);
    ctx.events.emit({ event: 'message', level: 'warning', text: s.reason, device: s.device });
  }
  if (selection.targets.length === 0)
    throw new DeviceNotFoundError('QFH_NO_DEVICE', 'no modem to flash was found', {
      hint: '`qfh list` shows the modems on this machine and the --device handle of each.',
    });
  const specs = run.devices.map((d) => d.spec);
  // --all takes the modems on this host's bus.
  const local = onThisHost(run.all ? [{ kind: 'usb', serial: undefined }] : specs, {
    relay: false,
    ctx,
  });
  return withHeldHost(run, { ctx, local }, () => flashAll(run, ctx, selection));
}

/**
 * The targets: the named devices, or every fitting modem. A handle named twice is one
 * modem, flashed once; a handle that opens a new modem each time (a simulated one) is as many
 * modems as it is named (repeats labelled `#2`).
 */
async function choose(run: FleetRun, c: { bus: ModemBus; ctx: RunContext }): Promise<Selection> {
  const o = { waitSeconds: run.waitSeconds, programmer: run.prepared.request.programmer };
  if (run.all) return selectAll(c.bus, run.prepared.pkg, o);
  const seen = new Map<string, number>();
  const targets: FleetTarget[] = [];
  const skipped: SkippedModem[] = [];
  for (const { text, spec } of run.devices) {
    const target = deviceTarget(targetSettings(run), { spec, text, ctx: { bus: c.bus } });
    const n = (seen.get(target.device) ?? 0) + 1;
    seen.set(target.device, n);
    if (n === 1) targets.push(target);
    else if (opensNewModem(spec)) targets.push({ ...target, device: `${target.device}#${n}` });
    else skipped.push({ device: text, reason: `${text} is named more than once: flashed once` });
  }
  return { targets, skipped };
}

async function flashAll(run: FleetRun, ctx: RunContext, selection: Selection): Promise<number> {
  const mode = ctx.events.json ? 'json' : ctx.terminal.isTTY ? 'tty' : 'plain';
  const devices = selection.targets.map((t) => t.device);
  const view: FleetView = fleetView(mode, { out: ctx.out, events: ctx.events, devices });
  const open = new Set<Transport>();
  const stop = watchInterrupts(ctx, {
    force: () => open.forEach((t) => void t.close().catch(() => undefined)),
  });
  const revision = run.prepared.request.modemRevision;
  const targets = tappedTargets(selection.targets, { session: ctx.session, open }).map((t) =>
    revision ? { ...t, modemRevision: revision } : t,
  );
  let result;
  try {
    result = await flashMany(targets, {
      firmware: run.prepared,
      verify: run.verify,
      timeouts: run.timeouts,
      signal: stop.signal,
      onProgress: (d, p) => view.progress(d, p),
      onStep: (d, s) => view.step(d, s),
      onMessage: (d, line) => view.message(d, line),
      onDone: (r) => view.done(r),
    });
  } finally {
    view.stop();
    stop.dispose();
  }
  for (const d of result.devices) {
    await saveRecord(run, d, ctx);
    if (d.report) ctx.events.emit({ event: 'report', report: d.report, device: d.device });
  }
  const rows = summarise(result);
  const retry = retryCommand(rows, run.retry);
  ctx.events.emit({ event: 'summary', devices: rows, skipped: selection.skipped, retry });
  if (!ctx.events.json)
    (result.ok ? ctx.out.stdout : ctx.out.stderr)(
      `${renderSummary(rows, { skipped: selection.skipped, retry }).join('\n')}\n`,
    );
  const failure = fleetFailure(rows, retry);
  if (failure) throw failure;
  ctx.events.emit({
    event: 'result',
    command: run.command,
    ok: true,
    exitCode: ExitCode.OK,
    data: { devices: rows },
  });
  return ExitCode.OK;
}

/** The before/after record of a modem flashed from normal mode, named after its handle. */
async function saveRecord(run: FleetRun, d: DeviceResult, ctx: RunContext): Promise<void> {
  if (!d.checks || !d.report) return;
  // Several modems: --record is the folder for one record each.
  const path = await recordPath(run.record, { device: d.device, several: true });
  const saved = await saveUpdateRecord(path, {
    package: run.prepared.pkg.root,
    device: d.device,
    ...d.checks,
    report: d.report,
  });
  const text = saved
    ? `before/after record: ${path}`
    : `could not save the update record to ${path}`;
  if (ctx.events.json)
    ctx.events.emit({
      event: 'message',
      level: saved ? 'info' : 'warning',
      text,
      device: d.device,
    });
  else ctx.out.stderr(`qfh: [${d.device}] ${text}\n`);
}
