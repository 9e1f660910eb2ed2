import { expect, it } from 'vitest';
import { SimulatedBus } from '../../src/sim/index.js';
import { fleetModem, qfhOnBus, rm500qPackage } from '../helpers/fleet.js';

interface Event {
  schema: string;
  event: string;
  device?: string;
  [field: string]: unknown;
}

it('qfh flash --json with two modems: every progress, state and report event names its device; exit 0', async () => {
  const { root } = await rm500qPackage();
  const bus = new SimulatedBus([
    { port: '1-1.1', modem: fleetModem({ profile: 'rm500q', serial: 1, state: 'edl' }) },
    { port: '1-1.2', modem: fleetModem({ profile: 'em20', serial: 2, state: 'edl' }) },
  ]);
  const { code, stdout, stderr } = await qfhOnBus(
    ['flash', root, '--device', 'usb:1-1.1', '--device', 'usb:1-1.2', '--yes', '--json'],
    bus,
  );
  expect(code, stderr).toBe(0);
  const events = stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Event);
  expect(events.every((e) => e.schema === 'qfh-events/1')).toBe(true);
  const perDevice = events.filter((e) => ['progress', 'state', 'report'].includes(e.event));
  expect(perDevice.length).toBeGreaterThan(10);
  expect(perDevice.filter((e) => e.device !== 'usb:1-1.1' && e.device !== 'usb:1-1.2')).toEqual([]);
  const reports = events.filter((e) => e.event === 'report');
  expect(reports.map((e) => [e.device, (e.report as { ok: boolean }).ok])).toEqual([
    ['usb:1-1.1', true],
    ['usb:1-1.2', true],
  ]);
  // Each device's progress ends in 'done' with all its bytes.
  for (const device of ['usb:1-1.1', 'usb:1-1.2']) {
    const last = perDevice.filter((e) => e.device === device && e.event === 'progress').at(-1);
    expect(last).toMatchObject({ phase: 'done', bytesDone: last?.bytesTotal });
  }
  expect(events.find((e) => e.event === 'summary')).toMatchObject({
    devices: [
      { device: 'usb:1-1.1', outcome: 'flashed', mode: 'edl', state: 'flashed' },
      { device: 'usb:1-1.2', outcome: 'flashed', mode: 'edl', state: 'flashed' },
    ],
    skipped: [],
  });
  expect(events.at(-1)).toMatchObject({ event: 'result', command: 'flash', ok: true, exitCode: 0 });
});
