/**
 * The device half of `qfh flash` / `qfh edl-recover`: the pre-flight on real hardware, the
 * modem found in normal mode (switched by the library) or opened in EDL, Ctrl-C turned into
 * a stop at the next safe point (a second Ctrl-C forces it), and the report printed or sent
 * as events whatever the outcome.
 *
 * @module
 */
import { diffChecks } from '../at/post-check.js';
import type { AcceptFlag } from '../accept-flags.js';
import { PlanRefusedError } from '../errors.js';
import { FlashError, type FlashReport } from '../flash/flash-report.js';
import { flash, type FlashOptions } from '../flash/flash.js';
import { flashFromNormalMode, type NormalModeAccess } from '../flash/from-normal-mode.js';
import { pcieNormalModeAccess, usbNormalModeAccess } from '../flash/normal-mode-access.js';
import {
  openRelayEdl,
  relayNormalModeAccess,
  type RelayAccessOptions,
} from '../flash/relay-access.js';
import type { RelayAddress } from '../transport/relay-client.js';
import type { FirmwarePackage } from '../package/read-package.js';
import type { PlanRequest } from '../plan/gates.js';
import { runDoctor } from '../preflight/doctor.js';
import { stopModemManager, type ModemManagerUndo } from '../preflight/modemmanager.js';
import { SimulatedModem } from '../sim/modem.js';
import { simulatorAccess } from '../sim/normal-mode-access.js';
import type { Timeouts } from '../timeouts.js';
import type { DeviceSpec } from '../transport/select-device.js';
import { listDevices } from '../transport/sysfs-devices.js';
import type { Transport } from '../transport/transport.js';
import type { RunContext } from './command.js';
import { checkProgrammerFile } from '../sahara/programmer-file.js';
import { openCliDevice } from './devices.js';
import { ExitCode } from './exit-codes.js';
import { progressRenderer, type ProgressRenderer } from './progress.js';
import { renderReport } from './render-report.js';
import { watchInterrupts } from './interrupts.js';
import { renderCheck } from './commands/verify.js';
import { stopRouterServices } from './router-services.js';
import { fileStamp, saveUpdateRecord } from './update-record.js';

/** What the flash command settled on before touching any device, one modem or many. */
export interface FlashSettings {
  readonly command: 'flash' | 'edl-recover';
  readonly pkg: FirmwarePackage;
  readonly accept: readonly AcceptFlag[];
  readonly request: PlanRequest;
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

/** Pre-flight, then the flash; resolves to the exit status. */
export async function runFlashOnDevice(run: FlashRun, ctx: RunContext): Promise<number> {
  // Before any device is looked for: a bad --programmer is refused with nothing touched.
  if (run.request.programmer !== undefined) await checkProgrammerFile(run.request.programmer);
  const restore = await preflight(run, ctx);
  let restoreServices: (() => Promise<void>) | undefined;
  try {
    if (run.stopServices && !run.relay) restoreServices = await stopRouterServices(ctx.out);
    return await flashSomewhere(run, ctx);
  } finally {
    await giveBack(ctx, { services: restoreServices, modemManager: restore });
  }
}

/**
 * Puts back what the update stopped (the OpenWrt services, then ModemManager), one modem
 * or many, saying so; a failure to restart is reported with the command, never thrown.
 */
export async function giveBack(
  ctx: Pick<RunContext, 'out'>,
  undo: {
    services: (() => Promise<void>) | undefined;
    modemManager: ModemManagerUndo | undefined;
  },
): Promise<void> {
  const again = undo.modemManager;
  try {
    await undo.services?.();
  } finally {
    await again?.().then(
      () => ctx.out.stderr('qfh: started ModemManager again\n'),
      () => ctx.out.stderr(`qfh: could not start ModemManager again: ${again.startCommand}\n`),
    );
  }
}

/** What would fight qfh for the modem, or strand the update; resolves to an undo (fleet-run.ts too). */
export async function preflight(
  run: FlashRun,
  ctx: RunContext,
): Promise<ModemManagerUndo | undefined> {
  if (run.relay || (run.spec.kind !== 'usb' && run.spec.kind !== 'path')) return undefined;
  const checks = await runDoctor();
  for (const c of checks.filter((x) => x.status === 'warn' || x.status === 'refuse'))
    ctx.out.stderr(
      `qfh: ${c.status === 'refuse' ? 'REFUSE' : 'warning'}: ${c.detail}${c.fix ? ` (${c.fix})` : ''}\n`,
    );
  const refusals = checks.filter(
    (c) => c.status === 'refuse' && !(c.flag && run.accept.includes(c.flag)),
  );
  if (refusals.length > 0)
    throw new PlanRefusedError(
      refusals.map((c) => ({
        code: 'PREFLIGHT_REMOTE_SESSION',
        message: c.detail,
        ...(c.flag ? { flag: `--${c.flag}` } : {}),
      })),
    );
  if (!run.stopModemManager || !checks.some((c) => c.daemon === 'ModemManager')) return undefined;
  const restore = await stopModemManager();
  ctx.out.stderr('qfh: stopped ModemManager; it is started again when qfh finishes\n');
  return restore;
}

function flashOptions(
  run: FlashRun,
  progress: ProgressRenderer,
  signal: AbortSignal,
): FlashOptions {
  return {
    verify: run.verify,
    accept: run.accept,
    onProgress: (p) => progress.onProgress(p),
    timeouts: run.timeouts,
    signal,
    ...(run.request.programmer ? { programmer: run.request.programmer } : {}),
    ...(run.request.modemRevision ? { modemRevision: run.request.modemRevision } : {}),
    ...(run.deviceArgument ? { deviceArgument: run.deviceArgument } : {}),
    ...(run.request.skipUnchanged ? { skipUnchanged: true } : {}),
  };
}

async function flashSomewhere(run: FlashRun, ctx: RunContext): Promise<number> {
  const mode = ctx.events.json ? 'json' : ctx.terminal.isTTY ? 'tty' : 'plain';
  const progress = progressRenderer(mode, { out: ctx.out, events: ctx.events });
  const normal = run.command === 'flash' ? await findNormalMode(run, ctx) : undefined;
  let transport: Transport | undefined;
  const stop = watchInterrupts(ctx, {
    force: () => void transport?.close().catch(() => undefined),
  });
  try {
    if (normal) return await fromNormalMode(run, { ctx, normal, progress, signal: stop.signal });
    transport = run.relay
      ? ctx.session.wrap(await openRelayEdl(relayOptions(run, ctx, run.relay)))
      : await openCliDevice(run.spec, {
          out: ctx.out,
          waitSeconds: run.waitSeconds,
          session: ctx.session,
        });
    const report = await flash(run.pkg, transport, flashOptions(run, progress, stop.signal));
    progress.stop();
    printReport(report, ctx, run.command);
    return ExitCode.OK;
  } catch (e) {
    progress.stop();
    if (e instanceof FlashError) printReport(e.report, ctx, undefined);
    throw e;
  } finally {
    stop.dispose();
    await transport?.close().catch(() => undefined);
  }
}

function printReport(report: FlashReport, ctx: RunContext, command: string | undefined): void {
  ctx.events.emit({ event: 'report', report });
  if (!ctx.events.json)
    (report.ok ? ctx.out.stdout : ctx.out.stderr)(`${renderReport(report).join('\n')}\n`);
  if (command) ctx.events.emit({ event: 'result', command, ok: true, exitCode: ExitCode.OK });
}

function relayOptions(run: FlashRun, ctx: RunContext, relay: RelayAddress): RelayAccessOptions {
  return { relay, waitSeconds: run.waitSeconds, onMessage: (m) => ctx.out.stderr(`qfh: ${m}\n`) };
}

/** The modem in normal mode `flash` switches itself, if that is where it is. */
async function findNormalMode(
  run: FlashRun,
  ctx: RunContext,
): Promise<{ access: NormalModeAccess; cleanup?: () => Promise<void> } | undefined> {
  if (run.relay) {
    const relayed = await relayNormalModeAccess(relayOptions(run, ctx, run.relay));
    return relayed && { access: relayed };
  }
  const onMessage = (m: string): void => ctx.out.stderr(`qfh: ${m}\n`);
  const o = { waitSeconds: run.waitSeconds, onMessage };
  if (run.spec.kind === 'sim' && run.spec.state === 'normal')
    return {
      access: simulatorAccess(
        new SimulatedModem({ profile: run.spec.profile, state: 'normal' }),
        o,
      ),
    };
  if (run.spec.kind !== 'usb' || run.spec.serial) return undefined;
  if ((await listDevices()).usb.some((d) => d.mode === 'edl')) return undefined;
  const usb = await usbNormalModeAccess(o);
  if (usb) return { access: usb };
  return pcieNormalModeAccess({ ...o, programmer: run.request.programmer });
}

async function fromNormalMode(
  run: FlashRun,
  c: {
    ctx: RunContext;
    normal: { access: NormalModeAccess; cleanup?: () => Promise<void> };
    progress: ProgressRenderer;
    signal: AbortSignal;
  },
): Promise<number> {
  const { ctx } = c;
  try {
    // The EDL device the modem becomes is the one --capture records.
    const access = c.normal.access;
    const tapped: NormalModeAccess = {
      ...access,
      openEdl: async () => ctx.session.wrap(await access.openEdl()),
    };
    const result = await flashFromNormalMode(run.pkg, tapped, {
      ...flashOptions(run, c.progress, c.signal),
      onIdentity: (m) =>
        ctx.out.stderr(
          `qfh: ${m.manufacturer} ${m.model}: ${m.fullRevision ?? m.revision} → ${run.pkg.name}\n`,
        ),
    });
    c.progress.stop();
    const record = run.record ?? `qfh-update-${fileStamp()}.json`;
    const saved = await saveUpdateRecord(record, {
      package: run.pkg.root,
      ...result.checks,
      report: result.report,
    });
    ctx.events.emit({ event: 'report', report: result.report });
    if (!ctx.events.json) {
      const after = result.checks.after;
      ctx.out.stdout(`${renderReport(result.report).join('\n')}\n`);
      if (after)
        ctx.out.stdout(
          `${['After the update:', ...renderCheck(after), ...diffChecks(result.checks.before, after)].join('\n')}\n`,
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
      data: { checks: result.checks, record: saved ? record : undefined },
    });
    return ExitCode.OK;
  } finally {
    await c.normal
      .cleanup?.()
      .catch(() =>
        ctx.out.stderr(
          'qfh: could not restore the kernel firmware search path (/sys/module/firmware_class/parameters/path)\n',
        ),
      );
  }
}
