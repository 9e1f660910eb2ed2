/**
 * Pre-flight checks (`qfh doctor`, and before a flash): what on this host would fight qfh
 * for the modem or make an update unsafe, each with a one-line fix. Everything is read from
 * /proc, /sys, the environment and `ip -o addr`, through parameters so tests use fixtures.
 *
 * @module
 */
import { execFile } from 'node:child_process';
import { readdir, readFile, readlink, statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { listDevices } from '../transport/sysfs-devices.js';

/** One check's outcome. */
export interface DoctorCheck {
  readonly check: string;
  readonly status: 'ok' | 'warn' | 'refuse' | 'info';
  readonly detail: string;
  /** One line: what to do about it. */
  readonly fix: string | undefined;
  /** For refusals: the flag that accepts the risk. */
  readonly flag?: string;
}

/** Where the checks look. */
export interface DoctorEnvironment {
  readonly procRoot?: string;
  readonly sysRoot?: string;
  readonly devRoot?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Output of `ip -o addr show` (a string, for tests), or undefined to run it. */
  readonly ipAddr?: string;
  /** Folders qfh writes to (temp, the backup folder…). */
  readonly folders?: readonly string[];
}

/** Daemons that talk to modems (ModemManager, Quectel's dialer, OpenWrt's tools). */
const MODEM_DAEMONS: Readonly<Record<string, string>> = {
  ModemManager:
    'systemctl stop ModemManager (qfh flash --stop-modemmanager stops it and starts it again afterwards)',
  'quectel-CM': 'stop the dialer: killall quectel-CM',
  uqmi: "stop OpenWrt's modem interface first: ifdown wwan",
  qmicli: 'wait for qmicli to finish, or kill it',
  'qmi-proxy': 'stop the services using qmi-proxy (ModemManager, uqmi)',
  'mbim-proxy': 'stop the services using mbim-proxy',
  qmodem: 'stop QModem: /etc/init.d/qmodem stop',
};

const MODEM_NODE = /^\/dev\/(ttyUSB\d+|ttyACM\d+|cdc-wdm\d+|mhi_\w+|wwan\d+\w*)$/;
const MODEM_NETDEV = /^(wwan\d+|rmnet\w*|usb\d+|mhi_\w+|qmimux\d+|wwp\w+)$/;

async function processes(
  procRoot: string,
): Promise<{ pid: string; comm: string; fds: string[] }[]> {
  const pids = (await readdir(procRoot).catch(() => [] as string[])).filter((p) => /^\d+$/.test(p));
  const out: { pid: string; comm: string; fds: string[] }[] = [];
  for (const pid of pids) {
    const comm = (await readFile(join(procRoot, pid, 'comm'), 'utf8').catch(() => '')).trim();
    const fdDir = join(procRoot, pid, 'fd');
    const fds = await Promise.all(
      (await readdir(fdDir).catch(() => [] as string[])).map((fd) =>
        readlink(join(fdDir, fd)).catch(() => ''),
      ),
    );
    out.push({ pid, comm, fds });
  }
  return out;
}

async function ipAddr(given: string | undefined): Promise<string> {
  if (given !== undefined) return given;
  return (await promisify(execFile)('ip', ['-o', 'addr', 'show']).catch(() => ({ stdout: '' })))
    .stdout;
}

/** Runs every check. */
export async function runDoctor(e: DoctorEnvironment = {}): Promise<DoctorCheck[]> {
  const env = e.env ?? process.env;
  const checks: DoctorCheck[] = [];
  const procs = await processes(e.procRoot ?? '/proc');

  const daemons = procs.filter((p) => MODEM_DAEMONS[p.comm] !== undefined);
  if (daemons.length === 0)
    checks.push({
      check: 'modem daemons',
      status: 'ok',
      detail: 'no ModemManager, quectel-CM, uqmi or QModem running',
      fix: undefined,
    });
  for (const d of daemons)
    checks.push({
      check: 'modem daemons',
      status: 'warn',
      detail: `${d.comm} is running (pid ${d.pid}) and may grab the modem during the update`,
      fix: MODEM_DAEMONS[d.comm],
    });

  const holders = procs.flatMap((p) =>
    p.fds.filter((f) => MODEM_NODE.test(f)).map((f) => ({ ...p, node: f })),
  );
  if (holders.length === 0)
    checks.push({
      check: 'open modem ports',
      status: 'ok',
      detail: 'no process holds a modem port',
      fix: undefined,
    });
  for (const h of holders)
    checks.push({
      check: 'open modem ports',
      status: 'warn',
      detail: `${h.comm} (pid ${h.pid}) holds ${h.node}`,
      fix: `stop it first: kill ${h.pid}`,
    });

  const listing = await listDevices(e.sysRoot ?? '/sys', e.devRoot ?? '/dev');
  const bound = listing.usb
    .filter((d) => d.mode === 'edl')
    .flatMap((d) => d.interfaces.filter((i) => i.driver).map((i) => ({ d, i })));
  for (const { d, i } of bound) {
    checks.push({
      check: 'EDL driver',
      status: 'info',
      detail: `${i.driver} is bound to ${d.path} (05c6:9008)${i.tty ? ` as /dev/${i.tty}` : ''}`,
      fix: `qfh's usb backend detaches it by itself; or flash through it: --device /dev/${i.tty ?? 'ttyUSB0'}`,
    });
  }
  if (listing.usb.length === 0 && listing.pcie.length === 0)
    checks.push({
      check: 'modem',
      status: 'info',
      detail: 'no Quectel or EDL modem found',
      fix: 'plug the modem in; qfh list shows what is attached',
    });
  else
    checks.push({
      check: 'modem',
      status: 'ok',
      detail: `${listing.usb.length} USB modem(s), ${listing.pcie.length} PCIe node(s)`,
      fix: undefined,
    });

  const ssh = env['SSH_CONNECTION']?.split(' ');
  const server = ssh?.[2];
  if (server) {
    const iface = (await ipAddr(e.ipAddr))
      .split('\n')
      .map((l) => /^\d+:\s+(\S+)\s+inet6?\s+([^/\s]+)/.exec(l))
      .find((m) => m?.[2] === server)?.[1];
    if (iface && MODEM_NETDEV.test(iface)) {
      checks.push({
        check: 'remote session',
        status: 'refuse',
        detail: `this SSH session arrives over ${iface}, the modem's own connection: it drops when the modem switches to EDL, leaving the update unattended`,
        fix: 'run qfh from a console or a wired/Wi-Fi connection',
        flag: '--i-have-local-access',
      });
    } else
      checks.push({
        check: 'remote session',
        status: 'ok',
        detail: `SSH over ${iface ?? 'another interface'}, not the modem's`,
        fix: undefined,
      });
  } else
    checks.push({
      check: 'remote session',
      status: 'ok',
      detail: 'not an SSH session',
      fix: undefined,
    });

  for (const folder of e.folders ?? [tmpdir()]) {
    const s = await statfs(folder).catch(() => undefined);
    if (!s) continue;
    const free = s.bavail * s.bsize;
    checks.push(
      free < 64 * 1024 * 1024
        ? {
            check: 'free space',
            status: 'warn',
            detail: `${folder} has ${(free / 1048576).toFixed(0)} MiB free`,
            fix: 'free some space or point TMPDIR elsewhere',
          }
        : {
            check: 'free space',
            status: 'ok',
            detail: `${folder}: ${(free / 1073741824).toFixed(1)} GiB free`,
            fix: undefined,
          },
    );
  }
  return checks;
}
