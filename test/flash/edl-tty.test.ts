import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openEdlTty } from '../../src/flash/edl-tty.js';
import { flash } from '../../src/flash/node-flash.js';
import { buildDemoPackage } from '../../src/sim/demo-package.js';
import { SimulatedModem } from '../../src/sim/modem.js';
import { ptyModem } from '../helpers/pty.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'qfh-edltty-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Adds 05c6:9008 at `port` in the sysfs tree `sys`, its interface 0 bound to qcserial as `tty`. */
async function addEdlDevice(sys: string, port: string, tty: string): Promise<void> {
  const device = join(sys, 'bus/usb/devices', port);
  const iface = join(device, `${port}:1.0`);
  await mkdir(join(iface, tty), { recursive: true });
  await writeFile(join(device, 'idVendor'), '05c6\n');
  await writeFile(join(device, 'idProduct'), '9008\n');
  for (const [f, v] of <[string, string][]>[
    ['bInterfaceNumber', '00'],
    ['bInterfaceClass', 'ff'],
    ['bInterfaceSubClass', 'ff'],
    ['bInterfaceProtocol', 'ff'],
  ])
    await writeFile(join(iface, f), `${v}\n`);
}

/** A sysfs tree with 05c6:9008 whose interface 0 is bound to qcserial as ttyUSB7. */
async function edlTree(tty: string): Promise<{ sys: string; dev: string }> {
  const sys = join(root, 'sys');
  await addEdlDevice(sys, '1-1', 'ttyUSB7');
  const dev = join(root, 'dev');
  await mkdir(dev, { recursive: true });
  await symlink(tty, join(dev, 'ttyUSB7'));
  return { sys, dev };
}

it('without libusb, flashes the modem through the qcserial tty sysfs names for 05c6:9008', async () => {
  const modem = new SimulatedModem();
  const pty = await ptyModem(modem);
  try {
    const { sys, dev } = await edlTree(pty.path);
    const lines: string[] = [];
    const edl = await openEdlTty(
      { waitSeconds: 5, onMessage: (l) => lines.push(l) },
      { sysRoot: sys, devRoot: dev },
    );
    expect(lines.join('\n')).toContain(`${join(dev, 'ttyUSB7')} (qcserial; no libusb here)`);
    const report = await flash(await buildDemoPackage(join(root, 'pkg')), edl);
    await edl.close();
    expect(report.state).toBe('flashed');
  } finally {
    pty.stop();
  }
}, 60_000);

/** Adds an EDL device at `port` whose interface 0 is bound to qcserial as `name`. */
async function addEdl(sys: string, dev: string, port: string, name: string): Promise<void> {
  await addEdlDevice(sys, port, name);
  await mkdir(dev, { recursive: true });
  await writeFile(join(dev, name), '');
}

it('takes only the EDL device on the modem’s own port, never another board already in EDL', async () => {
  const base = await mkdtemp(join(tmpdir(), 'qfh-edlports-'));
  const [sys, dev] = [join(base, 'sys'), join(base, 'dev')];
  await addEdl(sys, dev, '1-2', 'ttyUSB3'); // another board, in EDL before the switch
  const opened: string[] = [];
  const open = async (path: string) => {
    opened.push(path);
    return {} as never;
  };
  // The switched modem is on 1-1 and has not come back yet: the other board is not taken.
  const early = await openEdlTty(
    { waitSeconds: 1, ports: ['1-1'] },
    { sysRoot: sys, devRoot: dev, open },
  ).catch((e: unknown) => e);
  expect(early).toMatchObject({ code: 'QFH_NO_DEVICE' });
  expect(opened).toEqual([]);
  await addEdl(sys, dev, '1-1', 'ttyUSB9');
  await openEdlTty({ waitSeconds: 1, ports: ['1-1'] }, { sysRoot: sys, devRoot: dev, open });
  expect(opened).toEqual([join(dev, 'ttyUSB9')]);
  await rm(base, { recursive: true, force: true });
});
