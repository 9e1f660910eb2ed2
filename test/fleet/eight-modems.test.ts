import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { SimulatedBus, type SimulatedModem } from '../../src/sim/index.js';
import {
  expectFlashed,
  fleetModem,
  qfhOnBus,
  rm500qPackage,
  writesReceived,
} from '../helpers/fleet.js';

const made: string[] = [];
afterAll(async () => Promise.all(made.map((d) => rm(d, { recursive: true, force: true }))));

/** Eight modems on two hubs: mixed profiles, EDL and normal mode, one of another variant, one that drops off mid-flash. */
function eightModems(): { bus: SimulatedBus; modems: Record<string, SimulatedModem> } {
  const modems: Record<string, SimulatedModem> = {
    '1-1.1': fleetModem({ profile: 'rm500q', serial: 0xa1, state: 'edl' }),
    '1-1.2': fleetModem({ profile: 'rm500q', serial: 0xa2, state: 'normal' }),
    '1-1.3': fleetModem({ profile: 'rg255c', serial: 0xa3, state: 'edl' }),
    '1-1.4': fleetModem({ profile: 'em20', serial: 0xa4, state: 'edl' }),
    // The RM500Q-AE variant: the GL package is not for it.
    '2-1.1': fleetModem({
      profile: 'rm500q',
      serial: 0xb1,
      state: 'normal',
      revision: 'RM500QAEAAR01A01M4G',
    }),
    // Unplugged once 400 kB have been sent: mid-way through the images.
    '2-1.2': fleetModem({
      profile: 'rm500q',
      serial: 0xb2,
      state: 'edl',
      faults: { disconnectAtHostByte: 400_000 },
    }),
    '2-1.3': fleetModem({ profile: 'rm500q', serial: 0xb3, state: 'normal' }),
    '2-1.4': fleetModem({ profile: 'rg255c', serial: 0xb4, state: 'edl' }),
  };
  const bus = new SimulatedBus(Object.entries(modems).map(([port, modem]) => ({ port, modem })));
  return { bus, modems };
}

it('qfh flash --all: 8 modems in one process, 6 flashed byte for byte, 1 refused untouched, 1 failed; exit 1 and a summary naming each', async () => {
  const { root, parts } = await rm500qPackage();
  const records = await mkdtemp(join(tmpdir(), 'qfh-fleet-records-'));
  made.push(records);
  const { bus, modems } = eightModems();
  const { code, stdout, stderr } = await qfhOnBus(
    ['flash', root, '--all', '--yes', '--record', records],
    bus,
  );
  expect(code, stderr).toBe(1);
  expect(stdout).toBe('');

  const flashed = ['1-1.1', '1-1.2', '1-1.3', '1-1.4', '2-1.3', '2-1.4'];
  for (const port of flashed) expectFlashed(modems[port] as SimulatedModem, parts);

  // Refused on its identity, read over AT: no EDL switch, no programmer, no byte written.
  const refused = modems['2-1.1'] as SimulatedModem;
  expect(refused.saharaBoots).toHaveLength(0);
  expect(writesReceived(refused)).toBe(0);
  expect(bus.usb.outTransfers.get(refused)).toBeUndefined();
  expect(refused.state).toBe('normal');

  const failed = modems['2-1.2'] as SimulatedModem;
  expect(writesReceived(failed)).toBeGreaterThan(0);
  expect(failed.state).toBe('gone');

  const row = (port: string): string =>
    stderr.split('\n').find((l) => l.startsWith(`  usb:${port} `)) ?? `no row for ${port}`;
  for (const port of flashed) expect(row(port)).toMatch(/ flashed +flashed /);
  expect(row('2-1.1')).toMatch(
    /normal +refused +untouched .*PLAN_VARIANT_MISMATCH \(--force-variant accepts it\)/,
  );
  expect(row('2-1.2')).toMatch(/edl +failed +partial .*QFH_TRANSPORT_DISCONNECTED: /);
  expect(stderr).toContain('6 of 8 modems flashed, 1 refused, 1 failed.');
  expect(stderr).toContain(
    `Retry the ones that failed or were stopped: qfh flash ${root} --device usb:2-1.2 --record ${records} --yes`,
  );
  expect(stderr).toMatch(
    /qfh: 2 of 8 modems were not flashed: usb:2-1\.1 refused \(QFH_REFUSED\), usb:2-1\.2 failed \(QFH_TRANSPORT_DISCONNECTED\) \[QFH_FLEET_INCOMPLETE\]/,
  );
  // One before/after record per modem switched from normal mode and flashed.
  expect((await readdir(records)).map((f) => f.replace(/^qfh-update-.*-usb_/, ''))).toEqual(
    expect.arrayContaining(['1-1.2.json', '2-1.3.json']),
  );
  expect(await readdir(records)).toHaveLength(2);
});
