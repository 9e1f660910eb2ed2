import { expect, it } from 'vitest';
import { flashMany, portTarget } from '../../src/fleet/index.js';
import { SimulatedBus } from '../../src/sim/index.js';
import { fleetModem, rm500qPackage } from '../helpers/fleet.js';

it('concurrency 1 flashes the modems one after the other, in order', async () => {
  const { root } = await rm500qPackage();
  const bus = new SimulatedBus(
    [1, 2, 3].map((serial) => ({
      port: `1-${serial}`,
      modem: fleetModem({ profile: 'rm500q', serial, state: 'edl' }),
    })),
  );
  const log: string[] = [];
  const result = await flashMany(
    ['1-1', '1-2', '1-3'].map((port) => portTarget(bus, { port }, { waitSeconds: 5 })),
    {
      firmware: root,
      concurrency: 1,
      onStep: (device, step) => step === 'connecting' && log.push(`${device} start`),
      onDone: (r) => log.push(`${r.device} ${r.outcome}`),
    },
  );
  expect(result.ok).toBe(true);
  expect(log).toEqual([
    'usb:1-1 start',
    'usb:1-1 flashed',
    'usb:1-2 start',
    'usb:1-2 flashed',
    'usb:1-3 start',
    'usb:1-3 flashed',
  ]);
});
