import { expect, it } from 'vitest';
import type { SignalSource } from '../../src/cli/context.js';
import { SimulatedBus } from '../../src/sim/index.js';
import { fleetModem, qfhOnBus, rm500qPackage, writesReceived } from '../helpers/fleet.js';

it('Ctrl-C during a many-modem flash stops every modem before it writes, exits 130 and offers the retry', async () => {
  const { root } = await rm500qPackage();
  const modems = [1, 2].map((serial) => fleetModem({ profile: 'rm500q', serial, state: 'edl' }));
  const bus = new SimulatedBus(modems.map((modem, i) => ({ port: `1-${i + 1}`, modem })));
  // Ctrl-C once both are connected: each programmer's banner (1 s after Sahara) is still to come.
  const signals: SignalSource = {
    onStop: (listener) => {
      const timer = setTimeout(() => listener('SIGINT'), 300);
      return () => clearTimeout(timer);
    },
  };
  const { code, stderr } = await qfhOnBus(
    ['flash', root, '--device', 'usb:1-1', '--device', 'usb:1-2', '--yes'],
    bus,
    signals,
  );
  expect(code).toBe(130);
  expect(stderr).toContain('SIGINT: stopping at the next safe point');
  expect(stderr).toMatch(/^ {2}usb:1-1 +edl +stopped +untouched /m);
  expect(stderr).toMatch(/^ {2}usb:1-2 +edl +stopped +untouched /m);
  expect(stderr).toContain(
    `Retry the ones that failed or were stopped: qfh flash ${root} --device usb:1-1 --device usb:1-2 --yes`,
  );
  expect(modems.map(writesReceived)).toEqual([0, 0]);
});
