/**
 * `qfh plan`, `qfh flash` and `qfh edl-recover`: the checked plan, shown; confirmation on a
 * TTY unless --yes; the flash with a progress bar (TTY), plain lines, or JSON lines; the
 * report, or what was done and what to run next.
 *
 * @module
 */
import { createInterface } from 'node:readline/promises';
import { FlashError, PlanRefusedError } from '../errors.js';
import { flash, type FlashOptions } from '../flash/flash.js';
import type { FlashReport } from '../flash/execute.js';
import { readPackage } from '../package/read-package.js';
import {
  buildPlan,
  identityFindings,
  parseFirmwareIdentity,
  planToJson,
  renderPlan,
  standingRefusals,
} from '../plan/index.js';
import { SimulatedModem } from '../sim/modem.js';
import { openDevice, parseDeviceSpec } from '../transport/select-device.js';
import { listDevices } from '../transport/sysfs-devices.js';
import { flashFromNormalMode, type NormalModeAccess } from '../flash/from-normal-mode.js';
import { pcieNormalModeAccess, simulatorAccess, usbNormalModeAccess } from './normal-mode.js';
import { writeFile } from 'node:fs/promises';
import { diffChecks } from '../at/post-check.js';
import { renderCheck } from './verify-command.js';
import { runDoctor } from '../preflight/doctor.js';
import { stopModemManager } from '../preflight/modemmanager.js';
import { ExitCode } from './exit-codes.js';
import { toJsonText } from './json-output.js';
import type { CliOutput } from './output.js';
import { progressRenderer } from './progress.js';
import type { SessionHooks } from './capture-option.js';

/** The flags that each accept one kind of refusal (README lists them). */
export const ACCEPT_FLAGS = [
  'allow-md5-mismatch',
  'skip-missing',
  'force-variant',
  'allow-downgrade',
  'unknown-package-ok',
  'force-nand-size',
  'i-have-local-access',
] as const;

/** Options of the three commands. */
export interface FlashCommandOptions {
  readonly dir: string;
  readonly device: string | undefined;
  readonly json: boolean;
  readonly yes: boolean;
  readonly verify: boolean;
  readonly dryRun: boolean;
  readonly accept: readonly string[];
  readonly waitSeconds: number;
  readonly programmer: string | undefined;
  readonly modemRevision: string | undefined;
  /** `edl-recover` only talks to a modem already in EDL; `flash` also switches one in normal mode. */
  readonly command: 'flash' | 'edl-recover';
  /** Where to save the before/after record of a flash from normal mode. */
  readonly record?: string | undefined;
  /** Stop ModemManager for the update and start it again afterwards. */
  readonly stopModemManager?: boolean;
  /** `--capture` / `--debug-bundle` (capture-option.ts). */
  readonly session?: SessionHooks;
}

/** Terminal facts the command needs (injected for tests). */
export interface Terminal {
  readonly isTTY: boolean;
  confirm(question: string): Promise<boolean>;
}

/** The process's terminal. */
export const processTerminal: Terminal = {
  isTTY: Boolean(process.stdout.isTTY && process.stdin.isTTY),
  confirm: async (question) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return /^y(es)?$/i.test((await rl.question(question)).trim());
    } finally {
      rl.close();
    }
  },
};

/** `qfh plan DIR`: the plan from the package alone; exit 3 when qfh would refuse it. */
export async function runPlan(
  o: Pick<FlashCommandOptions, 'dir' | 'json' | 'accept' | 'modemRevision'>,
  out: CliOutput,
): Promise<number> {
  const pkg = await readPackage(o.dir);
  const plan = await buildPlan(pkg);
  const identity = identityFindings(
    o.modemRevision ? parseFirmwareIdentity(o.modemRevision) : undefined,
    parseFirmwareIdentity(pkg.name),
  );
  const full = { ...plan, findings: [...plan.findings, ...identity] };
  out.stdout(o.json ? `${toJsonText(planToJson(full))}\n` : `${renderPlan(full).join('\n')}\n`);
  return standingRefusals(full.findings, new Set(o.accept)).length > 0
    ? ExitCode.REFUSED
    : ExitCode.OK;
}

/** A report as text. */
export function renderReport(r: FlashReport): string[] {
  const rate = r.seconds > 0 ? ` (${(r.bytes / 1e6 / r.seconds).toFixed(2)} MB/s)` : '';
  const rows = r.ops
    .filter((o) => o.kind === 'program')
    .map(
      (o) =>
        `  ${String(o.index + 1).padStart(4)}  ${(o.label ?? '').padEnd(22)} ${String(o.lun ?? '').padStart(3)} ${String(o.startSector ?? '').padStart(9)} ${String(o.bytes).padStart(11)} ${o.seconds.toFixed(2).padStart(7)} ${(o.mbPerSecond ?? 0).toFixed(2).padStart(7)}  ${o.verified ?? ''}`,
    );
  return [
    r.ok
      ? `Flashed ${r.package} onto ${r.device}: ${r.ops.length}/${r.opsTotal} steps, ${(r.bytes / 1e6).toFixed(1)} MB in ${r.seconds.toFixed(1)} s${rate}`
      : `Stopped after ${r.ops.length} of ${r.opsTotal} steps (${r.state === 'partial' ? 'the modem is partly written' : 'nothing was written'}).`,
    '  step  partition              LUN    sector       bytes       s    MB/s  verified',
    ...rows,
    ...(r.failure ? [`  failed at step ${r.failure.op + 1}: ${r.failure.message}`] : []),
    ...(r.next ? [`  next: ${r.next}`] : []),
  ];
}

/** `qfh flash DIR` and `qfh edl-recover DIR`. */
export async function runFlash(
  o: FlashCommandOptions,
  out: CliOutput,
  terminal: Terminal = processTerminal,
): Promise<number> {
  const pkg = await readPackage(o.dir);
  const accept = o.accept.map((f) => `--${f}`).concat(o.programmer ? ['--programmer'] : []);
  const plan = await buildPlan(pkg);
  const identity = identityFindings(
    o.modemRevision ? parseFirmwareIdentity(o.modemRevision) : undefined,
    parseFirmwareIdentity(pkg.name),
  );
  const full = { ...plan, findings: [...plan.findings, ...identity] };
  o.session?.plan(planToJson(full));
  const standing = standingRefusals(full.findings, new Set(accept)).filter(
    (f) => !(o.programmer && /PROGRAMMER/.test(f.code)),
  );
  if (!o.json) out.stderr(`${renderPlan(full).join('\n')}\n`);
  if (standing.length > 0) throw new PlanRefusedError(standing);
  if (o.dryRun) {
    if (o.json) out.stdout(`${toJsonText(planToJson(full))}\n`);
    else out.stderr('Dry run: nothing was sent to any device.\n');
    return ExitCode.OK;
  }
  if (terminal.isTTY && !o.yes && !o.json) {
    const ok = await terminal.confirm(
      `Flash ${full.ops.filter((x) => x.kind === 'program').length} images (${(full.totalBytes / 1e6).toFixed(1)} MB) to ${o.device ?? 'the modem in EDL'}? Do not unplug it until qfh says it is done. [y/N] `,
    );
    if (!ok) {
      out.stderr('qfh: not flashed (you said no).\n');
      return ExitCode.OK;
    }
  }
  const spec = parseDeviceSpec(o.device);
  // Pre-flight on real hardware: what would fight qfh for the modem, or strand the update.
  let restoreModemManager: (() => Promise<void>) | undefined;
  if (spec.kind === 'usb' || spec.kind === 'path') {
    const checks = await runDoctor();
    for (const c of checks.filter((x) => x.status === 'warn' || x.status === 'refuse'))
      out.stderr(
        `qfh: ${c.status === 'refuse' ? 'REFUSE' : 'warning'}: ${c.detail}${c.fix ? ` (${c.fix})` : ''}\n`,
      );
    const refusals = checks.filter(
      (c) =>
        c.status === 'refuse' &&
        !(c.flag === '--i-have-local-access' && o.accept.includes('i-have-local-access')),
    );
    if (refusals.length > 0)
      throw new PlanRefusedError(
        refusals.map((c) => ({
          code: 'PREFLIGHT_REMOTE_SESSION',
          message: c.detail,
          ...(c.flag ? { flag: c.flag } : {}),
        })),
      );
    if (o.stopModemManager && checks.some((c) => /ModemManager is running/.test(c.detail))) {
      restoreModemManager = await stopModemManager();
      out.stderr('qfh: stopped ModemManager; it is started again when qfh finishes\n');
    }
  }
  try {
    return await flashOnDevice(o, out, terminal, pkg, spec, accept);
  } finally {
    if (restoreModemManager)
      await restoreModemManager().then(
        () => out.stderr('qfh: started ModemManager again\n'),
        () => out.stderr('qfh: could not start ModemManager again: systemctl start ModemManager\n'),
      );
  }
}

async function flashOnDevice(
  o: FlashCommandOptions,
  out: CliOutput,
  terminal: Terminal,
  pkg: Awaited<ReturnType<typeof readPackage>>,
  spec: ReturnType<typeof parseDeviceSpec>,
  accept: string[],
): Promise<number> {
  const progress0 = progressRenderer(o.json ? 'json' : terminal.isTTY ? 'tty' : 'plain', out);
  const baseOptions: FlashOptions = {
    verify: o.verify,
    accept,
    onProgress: (p) => progress0.onProgress(p),
    ...(o.programmer ? { programmer: o.programmer } : {}),
  };
  if (o.command === 'flash') {
    let cleanup: (() => Promise<void>) | undefined;
    let normal: NormalModeAccess | undefined;
    if (spec.kind === 'sim' && spec.state === 'normal')
      normal = simulatorAccess(spec.profile, out, o.waitSeconds).access;
    else if (
      spec.kind === 'usb' &&
      !spec.serial &&
      (await listDevices()).usb.every((d) => d.mode !== 'edl')
    ) {
      normal = await usbNormalModeAccess(out, o.waitSeconds);
      if (!normal) {
        const pcie = await pcieNormalModeAccess(out, o.waitSeconds, o.programmer);
        normal = pcie?.access;
        cleanup = pcie?.cleanup;
      }
    }
    if (normal) {
      try {
        const result = await flashFromNormalMode(pkg, normal, {
          ...baseOptions,
          onIdentity: (m) =>
            out.stderr(
              `qfh: ${m.manufacturer} ${m.model}: ${m.fullRevision ?? m.revision} → ${pkg.name}\n`,
            ),
        });
        progress0.stop();
        const record =
          o.record ?? `qfh-update-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
        const saved = await writeFile(
          record,
          `${JSON.stringify({ package: pkg.root, ...result.checks, report: result.report }, null, 2)}\n`,
        ).then(
          () => true,
          () => false,
        );
        if (o.json)
          out.stdout(
            `${JSON.stringify({ event: 'report', ...result.report, checks: result.checks, record: saved ? record : undefined })}\n`,
          );
        else {
          const after = result.checks.after;
          out.stdout(`${renderReport(result.report).join('\n')}\n`);
          if (after)
            out.stdout(
              `${['After the update:', ...renderCheck(after), ...diffChecks(result.checks.before, after)].join('\n')}\n`,
            );
          out.stdout(
            saved
              ? `Before/after record: ${record} (compare later with: qfh verify --device … --before ${record})\n`
              : `qfh: could not save the update record to ${record}\n`,
          );
        }
        return ExitCode.OK;
      } catch (e) {
        progress0.stop();
        if (e instanceof FlashError && !o.json)
          out.stderr(`${renderReport(e.report as FlashReport).join('\n')}\n`);
        throw e;
      } finally {
        await cleanup?.().catch(() =>
          out.stderr(
            'qfh: could not restore the kernel firmware search path (/sys/module/firmware_class/parameters/path)\n',
          ),
        );
      }
    }
  }
  progress0.stop();
  const opened = await openDevice(spec, {
    waitMs: o.waitSeconds * 1000,
    onWaiting: (m) => out.stderr(`qfh: ${m}\n`),
    onNotice: (m) => out.stderr(`qfh: ${m}\n`),
    openSim: (profile) => new SimulatedModem({ profile }).connect(),
  });
  const transport = o.session?.wrap(opened) ?? opened;
  const progress = progressRenderer(o.json ? 'json' : terminal.isTTY ? 'tty' : 'plain', out);
  const options: FlashOptions = {
    verify: o.verify,
    accept,
    onProgress: (p) => progress.onProgress(p),
    ...(o.programmer ? { programmer: o.programmer } : {}),
    ...(o.modemRevision ? { modemRevision: o.modemRevision } : {}),
  };
  try {
    const report = await flash(pkg, transport, options);
    progress.stop();
    out.stdout(
      o.json
        ? `${JSON.stringify({ event: 'report', ...report })}\n`
        : `${renderReport(report).join('\n')}\n`,
    );
    return ExitCode.OK;
  } catch (e) {
    progress.stop();
    if (e instanceof FlashError) {
      const report = e.report as FlashReport;
      if (o.json) out.stdout(`${JSON.stringify({ event: 'report', ...report })}\n`);
      else out.stderr(`${renderReport(report).join('\n')}\n`);
    }
    throw e;
  } finally {
    await transport.close().catch(() => undefined);
  }
}
