/**
 * The device half of `qfh flash` / `qfh edl-recover` for one modem: a fleet of one. The
 * modem is a target like any of several (flash-targets.ts) and goes through `flashMany`,
 * so one modem and many take one path; what differs is only how it is shown: one progress
 * bar, the flash report, and for a modem switched from normal mode its before/after record.
 * The host is held (pre-flight, services stopped and put back) by the library's
 * `holdHost`, for one modem and many alike.
 *
 * @module
 */
import { diffChecks } from '../at/post-check.js';
import { WorkflowError } from '../errors.js';
import { flashMany } from '../fleet/flash-many.js';
import type { DeviceResult, FleetTarget } from '../fleet/fleet-types.js';
import type { FlashReport } from '../flash/flash-report.js';
import type { PreparedFlash } from '../flash/prepare.js';
import { holdHost } from '../preflight/hold-host.js';
import type { Timeouts } from '../timeouts.js';
import { endRelaySession, type RelayAddress } from '../transport/relay-client.js';
import type { DeviceSpec } from '../transport/select-device.js';
import type { Transport } from '../transport/transport.js';
import type { RunContext } from './command.js';
import { renderCheck } from './commands/verify.js';
import { ExitCode } from './exit-codes.js';
import { deviceTarget, relayTarget, tappedTargets, type TargetSettings } from './flash-targets.js';
import { watchInterrupts } from './interrupts.js';
import { progressRenderer } from './progress.js';
import { renderReport } from './render-report.js';
import { recordPath, saveUpdateRecord } from './update-record.js';

/** What the flash command settled on before touching any device, one modem or many. */
export interface FlashSettings {
  readonly command: 'flash' | 'edl-recover';
  /** The request, decided once: package read, plan built and gated, programmer checked. */
  readonly prepared: PreparedFlash;
  readonly verify: boolean;
  readonly waitSeconds: number;
  readonly timeouts: Partial<Timeouts>;
  /**
   * `--record`: where the before/after record of a modem switched from normal mode goes (a
   * file for one modem, a folder for several).
   */
  readonly record: string | undefined;
  readonly stopModemManager: boolean;
  /** Stop the OpenWrt services holding the modem for the update (`--stop-services`). */
  readonly stopServices?: boolean;
}

/** The settings for one modem. */
export interface FlashRun extends FlashSettings {
  readonly spec: DeviceSpec;
  readonly deviceArgument: string | undefined;
  /** The relay script on a router, when the modem is reached through it. */
  readonly relay?: RelayAddress | undefined;
}

/** What a target needs of the settings. */
export function targetSettings(s: FlashSettings): TargetSettings {
  const r = s.prepared.request;
  return {
    command: s.command,
    waitSeconds: s.waitSeconds,
    timeouts: s.timeouts,
    programmer: r.programmer,
    requestArguments: [
      ...(r.programmer === undefined ? [] : ['--programmer', r.programmer]),
      ...[...(r.accept ?? [])].map((flag) => `--${flag}`),
    ],
  };
}

/**
 * Whether the modems are on this host, so the host is held for them: a USB device or a
 * node in /dev, not one behind a relay, on TCP, simulated, or on a test's bus.
 */
export function onThisHost(
  specs: readonly DeviceSpec[],
  c: { relay: boolean; ctx: Pick<RunContext, 'bus'> },
): boolean {
  return !c.relay && !c.ctx.bus && specs.every((s) => s.kind === 'usb' || s.kind === 'path');
}

/** The pre-flight and the services, held around `fn` on a local host; resolves to `fn`'s. */
export async function withHeldHost<T>(
  s: FlashSettings,
  c: { ctx: RunContext; local: boolean },
  fn: () => Promise<T>,
): Promise<T> {
  if (!c.local) return fn();
  const hold = await holdHost({
    accept: s.prepared.request.accept,
    stopModemManager: s.stopModemManager,
    stopServices: s.stopServices,
    onMessage: (line) => c.ctx.out.stderr(`qfh: ${line}\n`),
  });
  try {
    return await fn();
  } finally {
    await hold.release();
  }
}

/** Pre-flight, then the flash; resolves to the exit status. */
export async function runFlashOnDevice(run: FlashRun, ctx: RunContext): Promise<number> {
  const s = targetSettings(run);
  const target = run.relay
    ? relayTarget(s, { relay: run.relay, text: run.deviceArgument })
    : deviceTarget(s, { spec: run.spec, text: run.deviceArgument, ctx });
  const local = onThisHost([run.spec], { relay: run.relay !== undefined, ctx });
  const code = await withHeldHost(run, { ctx, local }, () => flashTheOne(run, ctx, target));
  // The relay serves one session: once the modem is flashed it stops listening. After a
  // failure it stays, so the advice (which names the same --relay) can be followed.
  if (code === ExitCode.OK && run.relay && (await endRelaySession(run.relay)))
    ctx.out.stderr(`qfh: the relay at ${run.relay.host} has stopped (session done)\n`);
  return code;
}

async function flashTheOne(run: FlashRun, ctx: RunContext, target: FleetTarget): Promise<number> {
  const mode = ctx.events.json ? 'json' : ctx.terminal.isTTY ? 'tty' : 'plain';
  const progress = progressRenderer(mode, { out: ctx.out, events: ctx.events });
  const open = new Set<Transport>();
  const stop = watchInterrupts(ctx, {
    force: () => open.forEach((t) => void t.close().catch(() => undefined)),
  });
  const say = (line: string): void => ctx.out.stderr(`qfh: ${line}\n`);
  let result;
  try {
    result = await flashMany(tappedTargets([target], { session: ctx.session, open }), {
      firmware: run.prepared,
      verify: run.verify,
      timeouts: run.timeouts,
      signal: stop.signal,
      recovering: run.command === 'edl-recover',
      onProgress: (_d, p) => progress.onProgress(p),
      onMessage: (_d, line) => say(line),
      onIdentity: (_d, m) =>
        say(
          `${m.manufacturer} ${m.model}: ${m.fullRevision ?? m.revision} → ${run.prepared.pkg.name}`,
        ),
    });
  } finally {
    progress.stop();
    stop.dispose();
  }
  const [d] = result.devices;
  if (d?.outcome !== 'flashed' || !d.report) {
    if (d?.report) printReport(d.report, ctx, undefined);
    throw d?.error ?? new WorkflowError('QFH_INTERNAL', 'the flash ended without a result');
  }
  if (d.mode === 'normal') return normalModeDone(run, ctx, d);
  printReport(d.report, ctx, run.command);
  return ExitCode.OK;
}

function printReport(report: FlashReport, ctx: RunContext, command: string | undefined): void {
  ctx.events.emit({ event: 'report', report });
  if (!ctx.events.json)
    (report.ok ? ctx.out.stdout : ctx.out.stderr)(`${renderReport(report).join('\n')}\n`);
  if (command) ctx.events.emit({ event: 'result', command, ok: true, exitCode: ExitCode.OK });
}

/** The report of a modem switched from normal mode, its after-check and its update record. */
async function normalModeDone(run: FlashRun, ctx: RunContext, d: DeviceResult): Promise<number> {
  const report = d.report;
  const checks = d.checks;
  if (!report || !checks)
    throw new WorkflowError('QFH_INTERNAL', 'a normal-mode flash without checks');
  const record = await recordPath(run.record, { device: d.device, several: false });
  const saved = await saveUpdateRecord(record, {
    package: run.prepared.pkg.root,
    ...checks,
    report,
  });
  ctx.events.emit({ event: 'report', report });
  if (!ctx.events.json) {
    const after = checks.after;
    ctx.out.stdout(`${renderReport(report).join('\n')}\n`);
    if (after)
      ctx.out.stdout(
        `${['After the update:', ...renderCheck(after), ...diffChecks(checks.before, after)].join('\n')}\n`,
      );
    ctx.out.stdout(
      saved
        ? `Before/after record: ${record} (compare later with: qfh verify --device … --before ${record})\n`
        : `qfh: could not save the update record to ${record}\n`,
    );
  }
  ctx.events.emit({
    event: 'result',
    command: run.command,
    ok: true,
    exitCode: ExitCode.OK,
    data: { checks, record: saved ? record : undefined },
  });
  return ExitCode.OK;
}
