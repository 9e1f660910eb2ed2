/**
 * One modem is a fleet of one: `qfh flash` takes the same path for one `--device` and for
 * several, so what one path does the other cannot drop. Each case here failed on the two
 * parallel workflows: `--skip-unchanged` ignored with several modems, a retry line without
 * the user's flags, one port with no modem reported as a fleet (exit 1), `--capture`
 * refused with one port, a modem named twice reported as two.
 */
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { importUsbmon } from '../../src/capture/index.js';
import { buildDemoPackage, SimulatedBus, SimulatedModem, profile } from '../../src/sim/index.js';
import { expectFlashed, qfhOnBus, rm500qPackage, writesReceived } from '../helpers/fleet.js';

const made: string[] = [];
afterAll(async () => Promise.all(made.map((d) => rm(d, { recursive: true, force: true }))));

/** An RM500Q held in EDL after each flash (so it can be flashed again), with its own serial. */
function heldModem(serial: number): SimulatedModem {
  const p = profile('rm500q');
  return new SimulatedModem({
    profile: { ...p, sahara: { ...p.sahara, serial } },
    holdEdl: true,
  });
}

it('--skip-unchanged compares on every modem of several, and writes nothing already there', async () => {
  const { root, parts } = await rm500qPackage();
  const modems = [heldModem(1), heldModem(2)];
  const bus = new SimulatedBus(modems.map((modem, i) => ({ port: `1-${i + 1}`, modem })));
  const args = ['flash', root, '--device', 'usb:1-1', '--device', 'usb:1-2', '--yes'];
  const first = await qfhOnBus(args, bus);
  expect(first.code).toBe(0);
  const written = modems.map(writesReceived);
  expect(written.every((n) => n > 0)).toBe(true);
  const again = await qfhOnBus([...args, '--skip-unchanged', '--json'], bus);
  expect(again.code).toBe(0);
  // Nothing changed on either modem: not one erase or program reached them the second time.
  expect(modems.map(writesReceived)).toEqual(written);
  const reports = again.stdout
    .split('\n')
    .filter((l) => l.includes('"event":"report"'))
    .map((l) => (JSON.parse(l) as { report: { skipUnchanged?: { unchanged: number } } }).report);
  expect(reports.map((r) => r.skipUnchanged?.unchanged)).toEqual([parts.length, parts.length]);
  for (const m of modems) expectFlashed(m, parts);
});

it('the retry line repeats every flag the user gave', async () => {
  const { root } = await rm500qPackage();
  const bus = new SimulatedBus([{ port: '1-1', modem: heldModem(1) }]);
  const flags = [
    '--skip-unchanged',
    '--no-verify',
    '--stop-modemmanager',
    '--stop-services',
    '--wait',
    '1',
    '--timeout',
    'configure=4000',
  ];
  const { code, stderr } = await qfhOnBus(
    ['flash', root, '--device', 'usb:1-1', '--device', 'usb:1-9', '--yes', ...flags],
    bus,
  );
  expect(code).toBe(1);
  const retry = /Retry the ones that failed or were stopped: (.*)/.exec(stderr)?.[1] ?? '';
  expect(retry).toMatch(/^qfh flash \S+ --device usb:1-9 /);
  for (const flag of [
    '--skip-unchanged',
    '--no-verify',
    '--stop-modemmanager',
    '--stop-services',
    '--wait 1',
    '--timeout configure=4000',
    '--yes',
  ])
    expect(retry).toContain(flag);
});

it('one --device usb:PORT with no modem there is "no device" (exit 4), not a fleet failure', async () => {
  const { root } = await rm500qPackage();
  const bus = new SimulatedBus([{ port: '1-1', modem: heldModem(1) }]);
  const { code, stderr } = await qfhOnBus(
    ['flash', root, '--device', 'usb:1-7', '--yes', '--wait', '1'],
    bus,
  );
  expect(code).toBe(4);
  expect(stderr).toMatch(/a modem on port 1-7/);
  expect(stderr).not.toMatch(/Retry the ones/);
});

it('--capture records the flash of the one modem a port names', async () => {
  const { root, parts } = await rm500qPackage();
  const dir = await mkdtemp(join(tmpdir(), 'qfh-one-capture-'));
  made.push(dir);
  const modem = heldModem(1);
  const bus = new SimulatedBus([{ port: '1-1', modem }]);
  const capture = join(dir, 'flash.pcapng');
  const { code, stderr } = await qfhOnBus(
    ['flash', root, '--device', 'usb:1-1', '--yes', '--capture', capture],
    bus,
  );
  expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
  expectFlashed(modem, parts);
  const programs = importUsbmon(await readFile(capture)).transfers.filter(
    (t) => t.dir === 'out' && Buffer.from(t.data).toString().includes('<program '),
  );
  expect(programs.length).toBe(parts.length);
});

it('a modem named twice is flashed once and reported once', async () => {
  const { root, parts } = await rm500qPackage();
  const modem = heldModem(1);
  const bus = new SimulatedBus([{ port: '1-1', modem }]);
  const { code, stderr, stdout } = await qfhOnBus(
    ['flash', root, '--device', 'usb:1-1', '--device', 'usb:1-1', '--yes'],
    bus,
  );
  expect(code).toBe(0);
  expect(stderr).toMatch(/left out usb:1-1: usb:1-1 is named more than once: flashed once/);
  expect(`${stdout}${stderr}`).not.toMatch(/not flashed/);
  expect(modem.firehoseRuns.length).toBe(1);
  expectFlashed(modem, parts);
});

it('one port and --record naming a folder (what a fleet retry repeats): the record goes inside it', async () => {
  const parent = await mkdtemp(join(tmpdir(), 'qfh-one-record-'));
  made.push(parent);
  const root = await buildDemoPackage(parent, undefined, { scale: 0.1 });
  const p = profile('eg25g');
  const modem = new SimulatedModem({
    profile: p,
    state: 'normal',
    timing: { overrides: { bootMs: 300 } },
  });
  const bus = new SimulatedBus([{ port: '1-1.4', modem }]);
  const records = join(parent, 'records');
  await mkdir(records);
  const { code, stderr } = await qfhOnBus(
    ['flash', root, '--device', 'usb:1-1.4', '--yes', '--record', records, '--wait', '20'],
    bus,
  );
  expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
  const saved = await readdir(records);
  expect(saved).toEqual([expect.stringMatching(/^qfh-update-.*-usb_1-1\.4\.json$/)]);
  const record = JSON.parse(await readFile(join(records, saved[0] ?? ''), 'utf8')) as {
    before?: unknown;
  };
  expect(record.before).toBeDefined();
}, 120_000);
