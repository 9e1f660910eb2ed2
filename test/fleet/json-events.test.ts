import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { expect, it } from 'vitest';
import { SimulatedBus } from '../../src/sim/index.js';
import { fleetModem, qfhOnBus, rm500qPackage } from '../helpers/fleet.js';

const ajv = new Ajv2020.default({ allErrors: true, strict: false });
addFormats.default(ajv);
const validate = ajv.compile(
  JSON.parse(
    readFileSync(join(import.meta.dirname, '../../schemas/qfh-events-1.schema.json'), 'utf8'),
  ) as object,
);

interface Event {
  schema: string;
  event: string;
  device?: string;
  [field: string]: unknown;
}

it('qfh flash --json with two modems: schema-valid lines; every progress, state and report event names its device; exit 0', async () => {
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
  for (const e of events) expect(validate(e), ajv.errorsText(validate.errors)).toBe(true);
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

it('qfh flash --json when a modem is refused: schema-valid lines, the refusal in the summary, exit 3', async () => {
  const { root } = await rm500qPackage();
  const bus = new SimulatedBus([
    { port: '1-1.1', modem: fleetModem({ profile: 'rm500q', serial: 1, state: 'edl' }) },
    // 2 KiB NAND pages: the 4 KiB-page package is refused on the modem's own facts.
    { port: '1-1.2', modem: fleetModem({ profile: 'eg25g', serial: 2, state: 'edl' }) },
  ]);
  const { code, stdout } = await qfhOnBus(['flash', root, '--all', '--yes', '--json'], bus);
  expect(code).toBe(3);
  const events = stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Event);
  for (const e of events) expect(validate(e), ajv.errorsText(validate.errors)).toBe(true);
  expect(events.find((e) => e.event === 'summary')).toMatchObject({
    devices: [
      { device: 'usb:1-1.1', outcome: 'flashed' },
      {
        device: 'usb:1-1.2',
        outcome: 'refused',
        state: 'untouched',
        refusals: [expect.objectContaining({ code: 'PLAN_SECTOR_SIZE_MISMATCH' })],
      },
    ],
  });
  expect(events.at(-1)).toMatchObject({ event: 'result', ok: false, exitCode: 3 });
});
