/**
 * `holdHost()`: the host made safe for an update, and given back afterwards. The pre-flight
 * checks run (a refusal not accepted by its flag stops here, before any device is opened);
 * ModemManager and an OpenWrt router's modem services are stopped when asked, and `release()`
 * starts them again, ModemManager even when putting the services back throws. The command
 * line and library callers use this one function, so a tool built on qfh gets the same
 * safety as `qfh flash`.
 *
 * @module
 */
import type { AcceptFlag } from '../accept-flags.js';
import { PlanRefusedError } from '../errors.js';
import { runDoctor, type DoctorCheck, type DoctorEnvironment } from './doctor.js';
import { processes } from './host-checks.js';
import { stopModemManager, type CommandRunner, type ModemManagerUndo } from './modemmanager.js';
import { openwrtModemServices, type OpenWrtRoots } from './openwrt-services.js';
import { stopServices } from './stop-services.js';

/** Options of {@link holdHost}. */
export interface HoldHostOptions {
  /** Risks the user accepted by name; a pre-flight refusal with one of these flags passes. */
  readonly accept?: Iterable<AcceptFlag> | undefined;
  /** Stop ModemManager (when it runs) for the update. @default false */
  readonly stopModemManager?: boolean | undefined;
  /** On an OpenWrt router, stop the services holding the modem for the update. @default false */
  readonly stopServices?: boolean | undefined;
  /** What qfh does, one line each (warnings, what it stopped and put back). */
  readonly onMessage?: ((line: string) => void) | undefined;
  /** Where the checks look (tests point this at fixture trees). @default this machine */
  readonly environment?: (DoctorEnvironment & OpenWrtRoots) | undefined;
  /** Runs the stop and start commands (tests record them). @default `execFile` */
  readonly runner?: CommandRunner | undefined;
  /** The OpenWrt init script of ModemManager. @default `/etc/init.d/modemmanager` */
  readonly modemManagerInitScript?: string | undefined;
}

/** The host held for an update. */
export interface HostHold {
  /** Every pre-flight check's outcome. */
  readonly checks: readonly DoctorCheck[];
  /** Starts what was stopped again; safe to call once, in `finally`. Never throws for a restart that failed: it says so through `onMessage`. */
  release(): Promise<void>;
}

/** The finding code of a refused pre-flight check (`remote session` → `PREFLIGHT_REMOTE_SESSION`). */
export function preflightCode(check: string): string {
  return `PREFLIGHT_${check.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`;
}

/**
 * Runs the pre-flight and stops what was asked.
 * @throws PlanRefusedError when a check refuses and its flag was not accepted; nothing was
 *   stopped then.
 */
export async function holdHost(o: HoldHostOptions = {}): Promise<HostHold> {
  const say = o.onMessage ?? ((): void => undefined);
  const accept = new Set(o.accept ?? []);
  const checks = await runDoctor(o.environment);
  for (const c of checks.filter((x) => x.status === 'warn' || x.status === 'refuse'))
    say(
      `${c.status === 'refuse' ? 'REFUSE' : 'warning'}: ${c.detail}${c.fix ? ` (${c.fix})` : ''}`,
    );
  const refusals = checks.filter((c) => c.status === 'refuse' && !(c.flag && accept.has(c.flag)));
  if (refusals.length > 0)
    throw new PlanRefusedError(
      refusals.map((c) => ({
        code: preflightCode(c.check),
        message: c.detail,
        ...(c.flag ? { flag: `--${c.flag}` } : {}),
      })),
    );
  const modemManager =
    o.stopModemManager && checks.some((c) => c.daemon === 'ModemManager')
      ? await stopModemManager(o.runner, o.modemManagerInitScript)
      : undefined;
  if (modemManager) say('stopped ModemManager; it is started again when qfh finishes');
  let services: (() => Promise<void>) | undefined;
  try {
    if (o.stopServices) services = await stopRouterServices(o, say);
  } catch (e) {
    await restartModemManager(modemManager, say);
    throw e;
  }
  return { checks, release: () => release({ services, modemManager }, say) };
}

/** The router's modem services stopped; resolves to what puts them back. */
async function stopRouterServices(
  o: HoldHostOptions,
  say: (line: string) => void,
): Promise<(() => Promise<void>) | undefined> {
  const env = o.environment ?? {};
  const found = await openwrtModemServices(await processes(env.procRoot ?? '/proc'), env);
  if (!found) {
    say(
      '--stop-services: this is not an OpenWrt router (no /etc/openwrt_release); nothing stopped',
    );
    return undefined;
  }
  if (found.length === 0) return undefined;
  const restore = await stopServices(found, {
    onMessage: say,
    ...(o.runner ? { runner: o.runner } : {}),
  });
  return async () => {
    const r = await restore();
    for (const line of r.restarted) say(`put back: ${line}`);
    for (const line of r.manual) say(`could not put back, run yourself: ${line}`);
  };
}

/** Services first, then ModemManager, which comes back even when the services' restore throws. */
async function release(
  undo: { services: (() => Promise<void>) | undefined; modemManager: ModemManagerUndo | undefined },
  say: (line: string) => void,
): Promise<void> {
  try {
    await undo.services?.();
  } catch (e) {
    say(`could not put the router's services back: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    await restartModemManager(undo.modemManager, say);
  }
}

async function restartModemManager(
  again: ModemManagerUndo | undefined,
  say: (line: string) => void,
): Promise<void> {
  await again?.().then(
    () => say('started ModemManager again'),
    () => say(`could not start ModemManager again: ${again.startCommand}`),
  );
}
