/**
 * `--device usb…` for verify and fota: the modem the handle names, reached through the AT
 * tty the option driver bound to its interface 2, read from a fixture /sys tree.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { resolveAtPort } from '../../src/cli/at-device.js';
import { parseDeviceSpec } from '../../src/transport/select-device.js';

let sys = '';
async function device(
  path: string,
  vid: string,
  pid: string,
  o: { serial: string; ifaces: [number, string | undefined, string][] },
): Promise<void> {
  const dir = join(sys, 'bus/usb/devices', path);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'idVendor'), `${vid}\n`);
  await writeFile(join(dir, 'idProduct'), `${pid}\n`);
  await writeFile(join(dir, 'serial'), `${o.serial}\n`);
  for (const [n, tty, protocol] of o.ifaces) {
    const iface = join(dir, `${path}:1.${n}`);
    await mkdir(iface, { recursive: true });
    await writeFile(join(iface, 'bInterfaceNumber'), `0${n}\n`);
    await writeFile(join(iface, 'bInterfaceClass'), 'ff\n');
    await writeFile(join(iface, 'bInterfaceSubClass'), 'ff\n');
    await writeFile(join(iface, 'bInterfaceProtocol'), `${protocol}\n`);
    if (tty) await mkdir(join(iface, tty));
  }
}

beforeAll(async () => {
  sys = await mkdtemp(join(tmpdir(), 'qfh-sys-at-'));
  const quectel = (t: string): [number, string | undefined, string][] => [
    [0, `ttyUSB${t}0`, 'ff'],
    [2, `ttyUSB${t}2`, 'ff'],
  ];
  await device('1-1.4', '2c7c', '0125', { serial: 'abc123', ifaces: quectel('1') });
  await device('1-2.4', '2c7c', '0125', { serial: 'def456', ifaces: quectel('2') });
  await device('1-3', '05c6', '9008', { serial: '3b090f7d', ifaces: [[0, undefined, 'ff']] });
});

const resolve = (text: string): Promise<unknown> =>
  resolveAtPort(parseDeviceSpec(text), { command: 'verify', sysRoot: sys, devRoot: '/dev' });

it('usb:PORT and usb:SERIAL name one modem: its AT tty', async () => {
  expect(await resolve('usb:1-1.4')).toEqual({ kind: 'path', path: '/dev/ttyUSB12' });
  expect(await resolve('usb:DEF456')).toEqual({ kind: 'path', path: '/dev/ttyUSB22' });
  expect(await resolve('tcp://127.0.0.1:5')).toMatchObject({ kind: 'tcp' });
});

it('a modem in EDL, nothing there, or two modems for a bare usb: said so, by name', async () => {
  await expect(resolve('usb:1-3')).rejects.toMatchObject({
    code: 'QFH_NO_DEVICE',
    message: 'the modem on port 1-3 is in EDL; qfh verify talks to it in normal mode',
  });
  await expect(resolve('usb:9-9')).rejects.toMatchObject({ code: 'QFH_NO_DEVICE' });
  await expect(resolve('usb')).rejects.toMatchObject({
    code: 'QFH_DEVICE_AMBIGUOUS',
    message: '2 modems in normal mode on USB: 1-1.4, 1-2.4',
  });
});
