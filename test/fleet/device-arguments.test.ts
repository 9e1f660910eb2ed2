import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { FakeUsb, SimulatedModem } from '../../src/sim/index.js';
import { openDevice, parseDeviceSpec } from '../../src/transport/index.js';
import { runCli } from '../helpers/cli.js';
import { rm500qPackage } from '../helpers/fleet.js';

it('--device usb:PORT names a port; a serial stays a serial', () => {
  expect(parseDeviceSpec('usb:1-1.4')).toEqual({ kind: 'usb', serial: undefined, port: '1-1.4' });
  expect(parseDeviceSpec('usb:3-2')).toEqual({ kind: 'usb', serial: undefined, port: '3-2' });
  expect(parseDeviceSpec('usb:3eb3ebc4')).toEqual({ kind: 'usb', serial: '3EB3EBC4' });
});

it('opens the EDL device on the named port among several', async () => {
  const a = new SimulatedModem({ profile: 'eg25g' });
  const b = new SimulatedModem({ profile: 'rm500q' });
  const fake = new FakeUsb([a, b], { ports: ['1-1.4', '2-3'] });
  const t = await openDevice(parseDeviceSpec('usb:2-3'), { usbModule: fake });
  expect(t.description).toBe('usb 2-3 05c6:9008 SN:00000000');
  await t.close();
  await expect(openDevice(parseDeviceSpec('usb:2-4'), { usbModule: fake })).rejects.toMatchObject({
    code: 'QFH_NO_DEVICE',
    message: expect.stringMatching(/no EDL device at port 2-4 found/),
  });
});

const made: string[] = [];
afterAll(async () => Promise.all(made.map((d) => rm(d, { recursive: true, force: true }))));

it('refuses, before anything is planned or sent, what cannot name several modems', async () => {
  const { root } = await rm500qPackage();
  // --capture opens its file before the command runs: keep it out of the working folder.
  const scratch = await mkdtemp(join(tmpdir(), 'qfh-fleet-args-'));
  made.push(scratch);
  const cases: [string[], RegExp][] = [
    [['--all', '--device', 'usb:1-1'], /--all and --device cannot be used together/],
    [['--device', 'usb', '--device', 'usb:1-1'], /--device usb names no one modem among several/],
    [
      ['--device', 'usb:1-1', '--device', 'usb:1-2', '--relay', 'abc@192.168.1.1'],
      /--relay takes one modem/,
    ],
    [['--all', '--capture', join(scratch, 'x.pcapng')], /--capture takes one modem/],
    [['--device', 'sim:nope', '--device', 'sim:rm500q'], /no such simulator profile/],
  ];
  for (const [args, message] of cases) {
    const { code, stderr, stdout } = await runCli(['flash', root, '--yes', ...args]);
    expect({ args, code, stdout }).toEqual({ args, code: 2, stdout: '' });
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/Plan for/);
  }
});
