/**
 * The device half of `qfh flash` for several modems (`--device` repeated, a port, or
 * `--all`): the modems chosen and the ones left out said, the same pre-flight as one modem,
 * all flashed at once by `flashMany` with a line of progress each, Ctrl-C stopping all of
 * them at safe points (twice: closing their devices), then the update records of the modems
 * switched from normal mode, the summary table and the command that retries the failures.
 *
 * @module
 */
import { join } from 'node:path';
import { DeviceNotFoundError } from '../errors.js';
import { systemBus, type ModemBus } from '../fleet/bus.js';
import { flashMany } from '../fleet/flash-many.js';
import type { DeviceResult, FleetTarget } from '../fleet/fleet-types.js';
import { selectAll, type Selection } from '../fleet/select-all.js';
import { specTarget } from '../fleet/spec-target.js';
import { SimulatedModem } from '../sim/modem.js';
import { simulatorAccess } from '../sim/normal-mode-access.js';
import type { Transport } from '../transport/transport.js';
import type { RunContext } from './command.js';
import type { FleetDevice } from './fleet-args.js';
import { ExitCode } from './exit-codes.js';
import { giveBack, preflight, type FlashSettings } from './flash-run.js';
import {
  fleetFailure,
  renderSummary,
  retryCommand,
  summarise,
  type RetryBase,
} from './fleet-summary.js';
import { fleetView, type FleetView } from './fleet-view.js';
import { watchInterrupts } from './interrupts.js';
import { stopRouterServices } from './router-services.js';
import { fileStamp, saveUpdateRecord } from './update-record.js';

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
  const selection = await choose(run, bus);
  for (const s of selection.skipped) {
    ctx.out.stderr(`qfh: left out ${s.device}: ${s.reason}\n`);
    ctx.events.emit({ event: 'message', level: 'warning', text: s.reason, device: s.device });
  }
  if (selection.targets.length === 0)
    throw new DeviceNotFoundError('QFH_NO_DEVICE', 'no modem to flash was found', {
      hint: '`qfh list` shows the modems on this machine and the --device handle of each.',
    });
  const real = !ctx.bus && run.devices.every((d) => d.spec.kind !== 'sim');
  const restore = real
    ? await preflight(
        { ...run, spec: { kind: 'usb', serial: undefined }, deviceArgument: undefined },
        ctx,
      )
    : undefined;
  let restoreServices: (() => Promise<void>) | undefined;
  try {
    // Inside the try: ModemManager, stopped above, comes back even if this step fails.
    if (run.stopServices && real) restoreServices = await stopRouterServices(ctx.out);
    return await flashAll(run, ctx, selection);
  } finally {
    await giveBack(ctx, { services: restoreServices, modemManager: restore });
  }
}

/** The targets: the named devices (repeats labelled `#2`, `#3`), or every fitting modem. */
async function choose(run: FleetRun, bus: ModemBus): Promise<Selection> {
  const o = { waitSeconds: run.waitSeconds, programmer: run.request.programmer };
  if (run.all) return selectAll(bus, run.pkg, o);
  const seen = new Map<string, number>();
  const targets = run.devices.map(({ text, spec }) => {
    const target = specTarget(spec, text, { ...o, bus, openSim: simulated(run) });
    const n = (seen.get(target.device) ?? 0) + 1;
    seen.set(target.device, n);
    return n === 1 ? target : { ...target, device: `${target.device}#${n}` };
  });
  return { targets, skipped: [] };
}

/** `sim:PROFILE[:normal]`: a new simulated modem in this process. */
function simulated(run: FleetRun): Parameters<typeof specTarget>[2]['openSim'] {
  return (spec, onMessage) => {
    const modem = new SimulatedModem({ profile: spec.profile, state: spec.state });
    return spec.state === 'edl'
      ? { mode: 'edl', transport: modem.connect() }
      : {
          mode: 'normal',
          access: simulatorAccess(modem, { waitSeconds: run.waitSeconds, onMessage }),
        };
  };
}

/** The targets, with every transport they open kept so a second Ctrl-C can close them. */
function tracked(targets: readonly FleetTarget[], open: Set<Transport>): FleetTarget[] {
  const keep = (t: Transport): Transport => (open.add(t), t);
  return targets.map((t) => ({
    ...t,
    connect: async (c) => {
      const conn = await t.connect(c);
      if (conn.mode === 'edl') return { mode: 'edl', transport: keep(conn.transport) };
      const access = conn.access;
      keep(access.at);
      keep(access.diag);
      return { ...conn, access: { ...access, openEdl: async () => keep(await access.openEdl()) } };
    },
  }));
}

async function flashAll(run: FleetRun, ctx: RunContext, selection: Selection): Promise<number> {
  const mode = ctx.events.json ? 'json' : ctx.terminal.isTTY ? 'tty' : 'plain';
  const devices = selection.targets.map((t) => t.device);
  const view: FleetView = fleetView(mode, { out: ctx.out, events: ctx.events, devices });
  const open = new Set<Transport>();
  const stop = watchInterrupts(ctx, {
    force: () => open.forEach((t) => void t.close().catch(() => undefined)),
  });
  const revision = run.request.modemRevision;
  const targets = tracked(selection.targets, open).map((t) =>
    revision ? { ...t, modemRevision: revision } : t,
  );
  let result;
  try {
    result = await flashMany(targets, {
      firmware: run.pkg,
      verify: run.verify,
      accept: run.accept,
      timeouts: run.timeouts,
      signal: stop.signal,
      ...(run.request.programmer ? { programmer: run.request.programmer } : {}),
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
  const name = `qfh-update-${fileStamp()}-${d.device.replace(/[^\w.-]+/g, '_')}.json`;
  const path = join(run.record ?? '.', name);
  const saved = await saveUpdateRecord(path, {
    package: run.pkg.root,
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
