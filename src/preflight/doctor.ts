/**
 * Pre-flight checks (`qfh doctor`, and before a flash): what on this host would fight qfh
 * for the modem or make an update unsafe, each with a one-line fix. Everything is read from
 * /proc, /sys, the environment and `ip -o addr`, through parameters so tests use fixtures.
 * The checks themselves live in `host-checks.ts` (processes, sessions, space) and
 * `device-checks.ts` (drivers, modems).
 *
 * @module
 */
import type { AcceptFlag } from '../accept-flags.js';
import { deviceChecks } from './device-checks.js';
import { openwrtChecks } from './openwrt-services.js';
import { permissionChecks } from './permission-checks.js';
import {
  daemonChecks,
  holderChecks,
  processes,
  remoteSessionCheck,
  spaceChecks,
} from './host-checks.js';

/** One check's outcome. */
export interface DoctorCheck {
  readonly check: string;
  readonly status: 'ok' | 'warn' | 'refuse' | 'info';
  readonly detail: string;
  /** One line: what to do about it. */
  readonly fix: string | undefined;
  /** For refusals: the accept flag that accepts the risk. */
  readonly flag?: AcceptFlag;
  /** For running modem daemons: the daemon's process name (what a caller may stop). */
  readonly daemon?: string;
}

/** Where the checks look. */
export interface DoctorEnvironment {
  readonly procRoot?: string;
  readonly sysRoot?: string;
  readonly devRoot?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Output of `ip -o addr show` (a string, for tests), or undefined to run it. */
  readonly ipAddr?: string;
  /** `/etc`, or a fixture tree shaped like an OpenWrt one. */
  readonly etcRoot?: string;
  /** Folders qfh writes to (temp, the backup folder…). */
  readonly folders?: readonly string[];
  /** The user (permission checks), for tests; the process's own by default. */
  readonly uid?: number;
  readonly groups?: readonly number[];
  readonly udevRuleDirs?: readonly string[];
}

/** Runs every check. */
export async function runDoctor(e: DoctorEnvironment = {}): Promise<DoctorCheck[]> {
  const procs = await processes(e.procRoot ?? '/proc');
  return [
    ...daemonChecks(procs),
    ...holderChecks(procs),
    ...(await deviceChecks(e)),
    ...(await remoteSessionCheck(e)),
    ...(await spaceChecks(e)),
    ...(await openwrtChecks(procs, e)),
    ...(await permissionChecks(e)),
  ];
}
