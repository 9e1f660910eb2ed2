/**
 * Host safety from the library: `holdHost` refuses before it stops anything, stops
 * ModemManager only when asked and running, and starts it again on release, and when the
 * router's services cannot be stopped; a failed restart names the command this host uses.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PlanRefusedError } from '../../src/errors.js';
import { holdHost } from '../../src/preflight/hold-host.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'qfh-hold-'));
  await mkdir(join(root, 'proc/101/fd'), { recursive: true });
  await writeFile(join(root, 'proc/101/comm'), 'ModemManager\n');
  await mkdir(join(root, 'etc'), { recursive: true });
});
afterAll(() => rm(root, { recursive: true, force: true }));

const environment = (env: Record<string, string> = {}, ipAddr = '') => ({
  procRoot: join(root, 'proc'),
  etcRoot: join(root, 'etc'),
  folders: [],
  ipAddr,
  env,
});

function recorder(fail: (args: readonly string[]) => boolean = () => false) {
  const ran: string[] = [];
  const said: string[] = [];
  return {
    ran,
    said,
    runner: async (command: string, args: readonly string[]) => {
      ran.push([command, ...args].join(' '));
      if (fail(args)) throw new Error('exit 1');
    },
    onMessage: (line: string) => void said.push(line),
  };
}

const overTheModem = () =>
  environment(
    { SSH_CONNECTION: '10.0.0.2 50000 10.64.0.1 22' },
    '5: wwan0    inet 10.64.0.1/30 scope global wwan0\n',
  );

it('refuses an SSH session over the modem with its own code, and stops nothing', async () => {
  const r = recorder();
  const error = await holdHost({ environment: overTheModem(), stopModemManager: true, ...r }).catch(
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PlanRefusedError);
  expect((error as PlanRefusedError).message).toMatch(/PREFLIGHT_REMOTE_SESSION/);
  expect((error as PlanRefusedError).refusals).toEqual([
    expect.objectContaining({ code: 'PREFLIGHT_REMOTE_SESSION', flag: '--i-have-local-access' }),
  ]);
  expect(r.ran).toEqual([]);
});

it('lets the accepted risk through, then stops and starts ModemManager', async () => {
  const r = recorder();
  const hold = await holdHost({
    environment: overTheModem(),
    accept: ['i-have-local-access'],
    stopModemManager: true,
    modemManagerInitScript: join(root, 'no-init-script'),
    ...r,
  });
  expect(r.ran).toEqual(['systemctl stop ModemManager']);
  await hold.release();
  expect(r.ran).toEqual(['systemctl stop ModemManager', 'systemctl start ModemManager']);
  expect(r.said).toContain('started ModemManager again');
});

it('leaves ModemManager alone unless asked', async () => {
  const r = recorder();
  const hold = await holdHost({ environment: environment(), ...r });
  await hold.release();
  expect(r.ran).toEqual([]);
});

it('names the restart command when ModemManager does not start again', async () => {
  const r = recorder((args) => args.includes('start'));
  const hold = await holdHost({
    environment: environment(),
    stopModemManager: true,
    modemManagerInitScript: join(root, 'no-init-script'),
    ...r,
  });
  await hold.release();
  expect(r.said).toContain('could not start ModemManager again: systemctl start ModemManager');
});

it('starts ModemManager again when the router services cannot be stopped', async () => {
  const etc = join(root, 'openwrt-etc');
  await mkdir(join(etc, 'init.d'), { recursive: true });
  await writeFile(join(etc, 'openwrt_release'), "DISTRIB_ID='OpenWrt'\n");
  await writeFile(join(etc, 'init.d/modemmanager'), '#!/bin/sh\n');
  // The services' own stop of ModemManager fails: the hold gives back what it stopped.
  let stops = 0;
  const r = recorder((args) => args[0] === 'stop' && ++stops === 2);
  const error = await holdHost({
    environment: { ...environment(), etcRoot: etc },
    stopModemManager: true,
    stopServices: true,
    modemManagerInitScript: join(root, 'no-init-script'),
    ...r,
  }).catch((e: unknown) => e);
  expect((error as { code?: string }).code).toBe('QFH_TRANSPORT_BUSY');
  expect(r.ran.at(-1)).toBe('systemctl start ModemManager');
});
