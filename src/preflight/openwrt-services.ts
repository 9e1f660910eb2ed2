/**
 * On an OpenWrt router, the services that hold the modem's ports and would fight qfh for
 * it (or redial it mid-update): ModemManager, a `network` interface with a modem protocol
 * (qmi, mbim, modemmanager, Quectel's quectel-CM proto, 3g, ncm), dialer daemons
 * (uqmi, quectel-CM), smstools3, cron jobs that touch ttyUSB. Each comes with the exact
 * command that stops it and the one that puts it back. Read from /etc and /proc through
 * parameters, so tests use fixture trees.
 *
 * @module
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { DoctorCheck } from './doctor.js';
import type { ProcessInfo } from './host-checks.js';

/** One service holding (or about to grab) the modem. */
export interface ModemService {
  /** What it is, for people. */
  readonly what: string;
  /** The command that stops it, as argv. */
  readonly stop: readonly string[];
  /** The command that puts it back, or undefined when qfh cannot restart it. */
  readonly start: readonly string[] | undefined;
}

/** Protocols of `network` interfaces that drive a cellular modem. */
const MODEM_PROTOS = new Set(['qmi', 'mbim', 'modemmanager', 'quectel', '3g', 'ncm']);
/** A modem port's name as written in a command line. */
const MODEM_PORT_NAME = /(?:\/dev\/)?(?:ttyUSB|ttyACM|cdc-wdm|mhi_|wwan)[A-Za-z0-9_]*/g;

const exists = (path: string): Promise<boolean> =>
  stat(path).then(
    () => true,
    () => false,
  );

/** `config interface` sections of /etc/config/network, with their options. */
export function uciInterfaces(text: string): { name: string; options: Map<string, string> }[] {
  const out: { name: string; options: Map<string, string> }[] = [];
  let current: { name: string; options: Map<string, string> } | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const section = /^config\s+(\S+)(?:\s+['"]?([^'"\s]+)['"]?)?/.exec(line);
    if (section) {
      current =
        section[1] === 'interface' ? { name: section[2] ?? '', options: new Map() } : undefined;
      if (current) out.push(current);
      continue;
    }
    const option = /^option\s+(\S+)\s+['"]?([^'"]*)['"]?/.exec(line);
    if (current && option) current.options.set(option[1] ?? '', option[2] ?? '');
  }
  return out;
}

/** Where to look. */
export interface OpenWrtRoots {
  readonly etcRoot?: string;
}

/**
 * The modem's services on this router, in the order to stop them; `undefined` when this
 * is not OpenWrt (no /etc/openwrt_release).
 */
export async function openwrtModemServices(
  procs: readonly ProcessInfo[],
  roots: OpenWrtRoots = {},
): Promise<ModemService[] | undefined> {
  const etc = roots.etcRoot ?? '/etc';
  if (!(await exists(join(etc, 'openwrt_release')))) return undefined;
  const running = (comm: string): ProcessInfo | undefined => procs.find((p) => p.comm === comm);
  const initd = async (name: string): Promise<ModemService | undefined> =>
    (await exists(join(etc, 'init.d', name)))
      ? {
          what: name,
          stop: [`/etc/init.d/${name}`, 'stop'],
          start: [`/etc/init.d/${name}`, 'start'],
        }
      : undefined;
  const out: ModemService[] = [];
  const network = await readFile(join(etc, 'config/network'), 'utf8').catch(() => '');
  const interfaces = uciInterfaces(network).filter((i) =>
    MODEM_PROTOS.has(i.options.get('proto') ?? ''),
  );
  for (const i of interfaces)
    out.push({
      what: `network interface ${i.name} (proto ${i.options.get('proto')})`,
      stop: ['ifdown', i.name],
      // An interface the user keeps down (auto 0) is not brought up afterwards.
      start: i.options.get('auto') === '0' ? undefined : ['ifup', i.name],
    });
  const mm = running('ModemManager') ? await initd('modemmanager') : undefined;
  if (mm) out.push({ ...mm, what: 'ModemManager' });
  const sms = running('smsd') ? await initd('smstools3') : undefined;
  if (sms) out.push({ ...sms, what: 'smstools3 (smsd)' });
  // Dialers not started by a modem interface: only a kill stops them, and qfh cannot know how they were started.
  const dialersOwned = interfaces.some((i) =>
    ['qmi', 'quectel'].includes(i.options.get('proto') ?? ''),
  );
  for (const comm of ['quectel-CM', 'uqmi']) {
    const p = running(comm);
    if (p && !dialersOwned)
      out.push({ what: `${comm} (pid ${p.pid})`, stop: ['kill', p.pid], start: undefined });
  }
  const cron = await cronTouchingModem(etc);
  if (cron.length > 0) {
    const c = await initd('cron');
    if (c) out.push({ ...c, what: `cron (${cron.join('; ')})` });
  }
  return out;
}

/**
 * What the crontabs do with the modem, as "a cron job in root uses /dev/ttyUSB2": never the
 * line itself, which can hold a SIM PIN, an API token or a phone number, and reaches
 * terminals, screenshots and debug bundles.
 */
async function cronTouchingModem(etc: string): Promise<string[]> {
  const dir = join(etc, 'crontabs');
  const uses = new Set<string>();
  for (const file of await readdir(dir).catch(() => [] as string[])) {
    const text = await readFile(join(dir, file), 'utf8').catch(() => '');
    for (const line of text.split('\n')) {
      if (line.trim().startsWith('#')) continue;
      for (const port of line.match(MODEM_PORT_NAME) ?? [])
        uses.add(`a cron job in ${file} uses ${port}`);
    }
  }
  return [...uses];
}

/** The shell line of an argv. */
export const commandLine = (argv: readonly string[]): string => argv.join(' ');

/** The services as doctor checks: each with the exact line that stops it and the one that restores it. */
export async function openwrtChecks(
  procs: readonly ProcessInfo[],
  roots: OpenWrtRoots = {},
): Promise<DoctorCheck[]> {
  const services = await openwrtModemServices(procs, roots);
  if (!services) return [];
  if (services.length === 0)
    return [
      {
        check: 'openwrt services',
        status: 'ok',
        detail: 'no OpenWrt service holds the modem',
        fix: undefined,
      },
    ];
  return services.map((s) => ({
    check: 'openwrt services',
    status: 'warn',
    detail: `${s.what} holds the modem's ports and would fight qfh for them`,
    fix: `${commandLine(s.stop)}${s.start ? ` (afterwards: ${commandLine(s.start)})` : ''}; or qfh flash --stop-services does both`,
  }));
}
