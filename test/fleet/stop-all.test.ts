import { expect, it } from 'vitest';
import { flashMany, portTarget } from '../../src/fleet/index.js';
import { SimulatedBus } from '../../src/sim/index.js';
import { fleetModem, rm500qPackage, writesReceived } from '../helpers/fleet.js';

it('one AbortSignal stops every modem at a safe point: before the switch in normal mode, before any write in EDL', async () => {
  const { root } = await rm500qPackage();
  const normal = fleetModem({ profile: 'rm500q', serial: 1, state: 'normal' });
  const edl = fleetModem({ profile: 'rm500q', serial: 2, state: 'edl' });
  const bus = new SimulatedBus([
    { port: '1-1', modem: normal },
    { port: '1-2', modem: edl },
  ]);
  const stop = new AbortController();
  const steps: string[] = [];
  const result = await flashMany(
    ['1-1', '1-2'].map((port) => portTarget(bus, { port }, { waitSeconds: 5 })),
    {
      firmware: root,
      signal: stop.signal,
      // Asked to stop once the modem in normal mode has said who it is.
      onIdentity: () => stop.abort(),
      onStep: (device, step) => steps.push(`${device} ${step}`),
    },
  );
  expect(result.ok).toBe(false);
  expect(result.devices.map((d) => [d.device, d.outcome, d.state, d.error?.code])).toEqual([
    ['usb:1-1', 'stopped', 'untouched', 'QFH_INTERRUPTED'],
    ['usb:1-2', 'stopped', 'untouched', 'QFH_INTERRUPTED'],
  ]);
  expect(steps).not.toContain('usb:1-1 switching');
  expect(normal.state).toBe('normal');
  expect(normal.saharaBoots).toHaveLength(0);
  expect(writesReceived(edl)).toBe(0);
});
