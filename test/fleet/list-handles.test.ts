import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { switchToEdl } from '../../src/at/index.js';
import { SimulatedBus, SimulatedModem } from '../../src/sim/index.js';
import { deviceOnPort, listDevices } from '../../src/transport/index.js';
import { qfhOnBus } from '../helpers/fleet.js';

const made: string[] = [];
afterAll(async () => Promise.all(made.map((d) => rm(d, { recursive: true, force: true }))));

interface Listed {
  handle: string;
  mode: string;
  serial: string | null;
  identity: string | null;
  ports: Record<string, string>;
}

const modemsOf = (stdout: string): Listed[] =>
  (JSON.parse(stdout) as { data: { modems: Listed[] } }).data.modems;

it('qfh list: a modem keeps its usb:PORT handle from normal mode to EDL, where its serial appears', async () => {
  // Real timing: the switch to EDL takes about 3 s.
  const rm500q = new SimulatedModem({ profile: 'rm500q', state: 'normal' });
  const eg25g = new SimulatedModem({ profile: 'eg25g' });
  const bus = new SimulatedBus([
    { port: '1-1.4', modem: rm500q },
    { port: '3-2', modem: eg25g },
  ]);
  const before = await qfhOnBus(['list', '--json'], bus);
  expect(before.code).toBe(0);
  expect(modemsOf(before.stdout)).toEqual([
    expect.objectContaining({
      handle: 'usb:1-1.4',
      mode: 'normal',
      identity: 'Quectel RM500Q-GL',
      ports: { at: '/dev/ttyUSB2', diag: '/dev/ttyUSB0' },
    }),
    expect.objectContaining({ handle: 'usb:3-2', mode: 'edl', serial: '3B090F7D' }),
  ]);
  expect(modemsOf(before.stdout)[0]?.serial).toBeNull();

  await switchToEdl(await bus.openTty('ttyUSB0'), { attempts: 3, intervalMs: 10 });
  for (let i = 0; i < 1000 && rm500q.state !== 'edl'; i++)
    await new Promise((r) => setTimeout(r, 10));
  const after = await qfhOnBus(['list'], bus);
  expect(after.stdout).toMatch(/^ {2}usb:1-1\.4 +edl +05c6:9008 +00000000 +QUSB_BULK_CID/m);
  expect(after.stdout).toMatch(/^ {2}usb:3-2 +edl +05c6:9008 +3B090F7D /m);
});

it('reads the USB 2/3 peer of a port from sysfs port/peer links', async () => {
  const sys = await mkdtemp(join(tmpdir(), 'qfh-sys-'));
  made.push(sys);
  const devices = join(sys, 'bus/usb/devices');
  // The SuperSpeed hub port 3 (bus 2) and its high-speed twin (bus 1), as the kernel links them.
  const hub = join(sys, 'devices/pci0000:00/usb2/2-0:1.0/usb2-port1/2-1:1.0/2-1-port3');
  const peer = join(sys, 'devices/pci0000:00/usb1/1-0:1.0/usb1-port1/1-1:1.0/1-1-port3');
  await mkdir(join(devices, '2-1.3'), { recursive: true });
  await mkdir(hub, { recursive: true });
  await mkdir(peer, { recursive: true });
  await writeFile(join(devices, '2-1.3/idVendor'), '2c7c\n');
  await writeFile(join(devices, '2-1.3/idProduct'), '0800\n');
  await symlink(hub, join(devices, '2-1.3/port'));
  await symlink(peer, join(hub, 'peer'));
  const listing = await listDevices(sys, join(sys, 'nodev'));
  expect(listing.usb.map((d) => [d.path, d.peer])).toEqual([['2-1.3', '1-1.3']]);
  expect(['usb1-port2', '1-1-port3', '2-1.4-port1', 'usb1'].map(deviceOnPort)).toEqual([
    '1-2',
    '1-1.3',
    '2-1.4.1',
    undefined,
  ]);
});

it('README documents every field of qfh list --json modems, and nothing else', async () => {
  const bus = new SimulatedBus([
    { port: '1-1', modem: new SimulatedModem({ profile: 'rm500q', state: 'normal' }) },
  ]);
  const { stdout } = await qfhOnBus(['list', '--json'], bus);
  const [modem] = modemsOf(stdout);
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.split('### `qfh list --json`')[1]?.split('\n#')[0] ?? '';
  const documented = [...section.matchAll(/^\| ((?:`\w+`(?:, )?)+) \|/gm)].flatMap((m) =>
    [...(m[1] ?? '').matchAll(/`(\w+)`/g)].map((f) => f[1]),
  );
  expect(documented.sort()).toEqual(Object.keys(modem ?? {}).sort());
});
