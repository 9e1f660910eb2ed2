/**
 * Checks of the host itself: daemons that talk to modems, processes holding modem ports,
 * an SSH session that runs over the modem's own connection, free space.
 *
 * @module
 */
import { execFile } from 'node:child_process';
import { readdir, readFile, readlink, statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { DoctorCheck, DoctorEnvironment } from './doctor.js';

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

/** A process with its open files. */
export interface ProcessInfo {
  readonly pid: string;
  readonly comm: string;
  readonly fds: readonly string[];
}

/** Every process under `procRoot`, with the targets of its open file descriptors. */
export async function processes(procRoot: string): Promise<ProcessInfo[]> {
  const pids = (await readdir(procRoot).catch(() => [] as string[])).filter((p) => /^\d+$/.test(p));
  const out: ProcessInfo[] = [];
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

/** Modem daemons that may grab the modem during an update. */
export function daemonChecks(procs: readonly ProcessInfo[]): DoctorCheck[] {
  const daemons = procs.filter((p) => MODEM_DAEMONS[p.comm] !== undefined);
  if (daemons.length === 0)
    return [
      {
        check: 'modem daemons',
        status: 'ok',
        detail: 'no ModemManager, quectel-CM, uqmi or QModem running',
        fix: undefined,
      },
    ];
  return daemons.map((d) => ({
    check: 'modem daemons',
    status: 'warn',
    detail: `${d.comm} is running (pid ${d.pid}) and may grab the modem during the update`,
    fix: MODEM_DAEMONS[d.comm],
    daemon: d.comm,
  }));
}

/** Processes holding a modem port open. */
export function holderChecks(procs: readonly ProcessInfo[]): DoctorCheck[] {
  const holders = procs.flatMap((p) =>
    p.fds.filter((f) => MODEM_NODE.test(f)).map((f) => ({ ...p, node: f })),
  );
  if (holders.length === 0)
    return [
      {
        check: 'open modem ports',
        status: 'ok',
        detail: 'no process holds a modem port',
        fix: undefined,
      },
    ];
  return holders.map((h) => ({
    check: 'open modem ports',
    status: 'warn',
    detail: `${h.comm} (pid ${h.pid}) holds ${h.node}`,
    fix: `stop it first: kill ${h.pid}`,
  }));
}

async function ipAddr(given: string | undefined): Promise<string> {
  if (given !== undefined) return given;
  return (await promisify(execFile)('ip', ['-o', 'addr', 'show']).catch(() => ({ stdout: '' })))
    .stdout;
}

/** An SSH session that arrives over the modem's own connection drops at the switch. */
export async function remoteSessionCheck(e: DoctorEnvironment): Promise<DoctorCheck[]> {
  const env = e.env ?? process.env;
  const server = env['SSH_CONNECTION']?.split(' ')[2];
  if (!server)
    return [
      { check: 'remote session', status: 'ok', detail: 'not an SSH session', fix: undefined },
    ];
  const iface = (await ipAddr(e.ipAddr))
    .split('\n')
    .map((l) => /^\d+:\s+(\S+)\s+inet6?\s+([^/\s]+)/.exec(l))
    .find((m) => m?.[2] === server)?.[1];
  if (iface && MODEM_NETDEV.test(iface))
    return [
      {
        check: 'remote session',
        status: 'refuse',
        detail: `this SSH session arrives over ${iface}, the modem's own connection: it drops when the modem switches to EDL, leaving the update unattended`,
        fix: 'run qfh from a console or a wired/Wi-Fi connection',
        flag: 'i-have-local-access',
      },
    ];
  return [
    {
      check: 'remote session',
      status: 'ok',
      detail: `SSH over ${iface ?? 'another interface'}, not the modem's`,
      fix: undefined,
    },
  ];
}

/** Free space where qfh writes. */
export async function spaceChecks(e: DoctorEnvironment): Promise<DoctorCheck[]> {
  const out: DoctorCheck[] = [];
  for (const folder of e.folders ?? [tmpdir()]) {
    const s = await statfs(folder).catch(() => undefined);
    if (!s) continue;
    const free = s.bavail * s.bsize;
    out.push(
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
  return out;
}
