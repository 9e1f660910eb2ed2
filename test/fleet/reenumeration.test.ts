import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { flashMany, portTarget } from '../../src/fleet/index.js';
import { buildDemoPackage, profile, SimulatedBus, SimulatedModem } from '../../src/sim/index.js';

const made: string[] = [];
afterAll(async () => Promise.all(made.map((d) => rm(d, { recursive: true, force: true }))));

/**
 * An EG25-G in normal mode with its own chip serial. The switch to EDL takes `switchMs`
 * (the real one takes about 3 s; different per modem here so the order is known), and the
 * boot after the flash 300 ms instead of 30 s, which this test cannot wait for.
 */
function modem(serial: number, switchMs: number): SimulatedModem {
  const eg25g = profile('eg25g');
  return new SimulatedModem({
    profile: { ...eg25g, sahara: { ...eg25g.sahara, serial } },
    state: 'normal',
    timing: { overrides: { switchToEdlMs: switchMs, bootMs: 300 } },
  });
}

const hex = (n: number): string => n.toString(16).toUpperCase().padStart(8, '0');

it('two modems switched to EDL together come back in reverse order; each 9008 is flashed as the modem that left its port', async () => {
  const parent = await mkdtemp(join(tmpdir(), 'qfh-fleet-'));
  made.push(parent);
  const root = await buildDemoPackage(parent, undefined, { scale: 0.1 });
  // The first port's modem takes longest to come back, so the second's 9008 appears first.
  const first = modem(0x1111aaaa, 1500);
  const second = modem(0x2222bbbb, 100);
  const bus = new SimulatedBus([
    { port: '1-1.4', modem: first },
    { port: '1-2.4', modem: second },
  ]);
  const appeared: string[] = [];
  for (const m of [first, second])
    m.onStateChange(() => {
      if (m.state === 'edl') appeared.push(hex(m.profile.sahara.serial));
    });
  const targets = ['1-1.4', '1-2.4'].map((port) => portTarget(bus, { port }, { waitSeconds: 20 }));
  const result = await flashMany(targets, { firmware: root, edlSwitch: { intervalMs: 10 } });

  expect(appeared).toEqual([hex(0x2222bbbb), hex(0x1111aaaa)]);
  expect(result.ok).toBe(true);
  expect(
    result.devices.map((d) => [d.device, d.outcome, d.mode, d.report?.device, d.identity?.after]),
  ).toEqual([
    [
      'usb:1-1.4',
      'flashed',
      'normal',
      `usb 1-1.4 05c6:9008 SN:${hex(0x1111aaaa)}`,
      expect.anything(),
    ],
    [
      'usb:1-2.4',
      'flashed',
      'normal',
      `usb 1-2.4 05c6:9008 SN:${hex(0x2222bbbb)}`,
      expect.anything(),
    ],
  ]);
  // Each modem's own PBL served exactly one upload, and its own programmer took the images.
  for (const m of [first, second]) {
    expect(m.saharaBoots).toHaveLength(1);
    expect(m.firehoseRuns.flatMap((r) => r.commands).some((c) => c.tag === 'program')).toBe(true);
  }
});

it('a modem that left a SuperSpeed port is flashed on the high-speed twin it comes back on, not on a neighbour', async () => {
  const parent = await mkdtemp(join(tmpdir(), 'qfh-fleet-'));
  made.push(parent);
  const root = await buildDemoPackage(parent, undefined, { scale: 0.1 });
  const superSpeed = modem(0x3333cccc, 300);
  const neighbour = new SimulatedModem({
    profile: { ...profile('eg25g'), sahara: { ...profile('eg25g').sahara, serial: 0x4444dddd } },
  });
  const bus = new SimulatedBus([
    { port: '2-1', edlPort: '1-1', modem: superSpeed },
    { port: '1-2', modem: neighbour },
  ]);
  const targets = (await bus.listing()).usb.map((d) =>
    portTarget(bus, { port: d.path, peer: d.peer }, { waitSeconds: 20 }),
  );
  const result = await flashMany(targets, { firmware: root, edlSwitch: { intervalMs: 10 } });
  expect(result.devices.map((d) => [d.device, d.outcome, d.report?.device])).toEqual([
    ['usb:2-1', 'flashed', `usb 1-1 05c6:9008 SN:${hex(0x3333cccc)}`],
    ['usb:1-2', 'flashed', `usb 1-2 05c6:9008 SN:${hex(0x4444dddd)}`],
  ]);
  expect([superSpeed, neighbour].map((m) => m.saharaBoots.length)).toEqual([1, 1]);
});
