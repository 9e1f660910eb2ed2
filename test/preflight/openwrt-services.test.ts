import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDoctor } from '../../src/preflight/doctor.js';
import { processes } from '../../src/preflight/host-checks.js';
import { openwrtModemServices } from '../../src/preflight/openwrt-services.js';
import { withStoppedServices } from '../../src/preflight/stop-services.js';
import { holdHost } from '../../src/preflight/hold-host.js';

let root: string;
const etc = (): string => join(root, 'etc');
const proc = (): string => join(root, 'proc');

async function put(path: string, text: string): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), text);
}

/** A process in the fixture /proc, with open files. */
async function process_(pid: number, comm: string, fds: string[] = []): Promise<void> {
  await put(`proc/${pid}/comm`, `${comm}\n`);
  await mkdir(join(proc(), String(pid), 'fd'), { recursive: true });
  for (const [i, target] of fds.entries())
    await symlink(target, join(proc(), String(pid), 'fd', String(i)));
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'qfh-openwrt-'));
  await put('etc/openwrt_release', "DISTRIB_ID='OpenWrt'\nDISTRIB_RELEASE='23.05.3'\n");
  await put(
    'etc/config/network',
    [
      "config interface 'loopback'",
      "\toption device 'lo'",
      "\toption proto 'static'",
      '',
      "config interface 'wwan'",
      "\toption proto 'qmi'",
      "\toption device '/dev/cdc-wdm0'",
      "\toption apn 'internet'",
      '',
      "config interface 'mbim_backup'",
      "\toption proto 'mbim'",
      "\toption auto '0'",
      '',
      "config interface 'lan'",
      "\toption proto 'static'",
    ].join('\n'),
  );
  for (const s of ['modemmanager', 'smstools3', 'cron', 'network'])
    await put(`etc/init.d/${s}`, '#!/bin/sh /etc/rc.common\n');
  await put(
    'etc/crontabs/root',
    '# keep the modem alive\n*/5 * * * * echo AT > /dev/ttyUSB2\n0 3 * * * /sbin/reboot\n' +
      '*/10 * * * * echo \'AT+CPIN="4711"\' > /dev/ttyUSB2; curl -H "X-Token: s3cr3t" https://x/+4915112345678\n',
  );
  await process_(101, 'ModemManager', ['/dev/ttyUSB2']);
  await process_(102, 'smsd', ['/dev/ttyUSB3']);
  await process_(103, 'uqmi', ['/dev/cdc-wdm0']);
  await process_(104, 'dnsmasq');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('qfh doctor on an OpenWrt router', () => {
  it('names every service holding the modem with the exact line that stops it', async () => {
    const checks = await runDoctor({
      procRoot: proc(),
      etcRoot: etc(),
      folders: [],
      ipAddr: '',
      env: {},
    });
    const fixes = checks.filter((c) => c.check === 'openwrt services').map((c) => c.fix);
    expect(fixes).toEqual([
      'ifdown wwan (afterwards: ifup wwan); or qfh flash --stop-services does both',
      'ifdown mbim_backup; or qfh flash --stop-services does both',
      '/etc/init.d/modemmanager stop (afterwards: /etc/init.d/modemmanager start); or qfh flash --stop-services does both',
      '/etc/init.d/smstools3 stop (afterwards: /etc/init.d/smstools3 start); or qfh flash --stop-services does both',
      '/etc/init.d/cron stop (afterwards: /etc/init.d/cron start); or qfh flash --stop-services does both',
    ]);
    const cron = checks.find((c) => c.detail.startsWith('cron'));
    // Which port, never the line: cron lines hold PINs, tokens and phone numbers.
    expect(cron?.detail).toMatch(/^cron \(a cron job in root uses \/dev\/ttyUSB2\)/);
    for (const secret of ['reboot', '4711', 's3cr3t', '4915112345678', 'echo'])
      expect(cron?.detail).not.toContain(secret);
  });

  it('says nothing of OpenWrt on a host that is not OpenWrt', async () => {
    const other = await mkdtemp(join(tmpdir(), 'qfh-notwrt-'));
    try {
      expect(
        await openwrtModemServices(await processes(proc()), { etcRoot: other }),
      ).toBeUndefined();
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });
});

describe('--stop-services', () => {
  const services = async () =>
    (await openwrtModemServices(await processes(proc()), { etcRoot: etc() })) ?? [];

  it('stops each service and puts back each it stopped, in reverse order, when the flash fails', async () => {
    const ran: string[] = [];
    const runner = async (command: string, args: readonly string[]) =>
      void ran.push([command, ...args].join(' '));
    const failing = withStoppedServices(
      await services(),
      () => Promise.reject(new Error('flash failed')),
      { runner },
    );
    await expect(failing).rejects.toThrow('flash failed');
    expect(ran).toEqual([
      'ifdown wwan',
      'ifdown mbim_backup',
      '/etc/init.d/modemmanager stop',
      '/etc/init.d/smstools3 stop',
      '/etc/init.d/cron stop',
      '/etc/init.d/cron start',
      '/etc/init.d/smstools3 start',
      '/etc/init.d/modemmanager start',
      'ifup wwan', // mbim_backup is kept down by its owner (auto 0): not brought up
    ]);
  });

  it('puts back what it stopped when stopping a later one fails, and sends nothing', async () => {
    const ran: string[] = [];
    const runner = async (command: string, args: readonly string[]) => {
      ran.push([command, ...args].join(' '));
      if (command === '/etc/init.d/smstools3' && args[0] === 'stop') throw new Error('busy');
    };
    const flash = (): Promise<string> => Promise.resolve('flashed');
    const error = await withStoppedServices(await services(), flash, { runner }).catch(
      (e: unknown) => e,
    );
    expect((error as { code?: string }).code).toBe('QFH_TRANSPORT_BUSY');
    expect(ran.slice(-3)).toEqual([
      '/etc/init.d/smstools3 stop',
      '/etc/init.d/modemmanager start',
      'ifup wwan',
    ]);
  });

  it('holdHost, as qfh flash and library callers use it, says what it stopped and put back', async () => {
    const said: string[] = [];
    const ran: string[] = [];
    const runner = async (command: string, args: readonly string[]) =>
      void ran.push([command, ...args].join(' '));
    const hold = await holdHost({
      stopServices: true,
      environment: { etcRoot: etc(), procRoot: proc(), folders: [], ipAddr: '', env: {} },
      runner,
      onMessage: (line) => said.push(line),
    });
    expect(said).toContain('stopped ModemManager: /etc/init.d/modemmanager stop');
    expect(ran.some((r) => r.endsWith('start'))).toBe(false);
    await hold.release();
    expect(said).toContain('put back: /etc/init.d/modemmanager start');
    expect(ran.filter((r) => r.endsWith('start') || r.startsWith('ifup')).length).toBe(4);
  });
});
