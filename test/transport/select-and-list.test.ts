import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FakeUsb, SimulatedModem } from '../../src/sim/index.js';
import { listDevices, openDevice, parseDeviceSpec } from '../../src/transport/index.js';
import { deviceText, knownMode, opensNewModem } from '../../src/transport/select-device.js';
import { renderListing } from '../../src/cli/commands/list.js';
import { runCli } from '../helpers/cli.js';

async function tree(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'qfh-sys-'));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), content);
  }
  return root;
}

describe('qfh list from sysfs', () => {
  it('finds an EDL device and a Quectel modem in normal mode with their ttys, ignores the rest, lists PCIe nodes', async () => {
    const usb = 'bus/usb/devices';
    const sys = await tree({
      [`${usb}/1-1.4/idVendor`]: '05c6\n',
      [`${usb}/1-1.4/idProduct`]: '9008\n',
      [`${usb}/1-1.4/product`]: 'QUSB_BULK_CID:0404_SN:3EB3EBC4\n',
      [`${usb}/1-1.4/1-1.4:1.0/bInterfaceClass`]: 'ff\n',
      [`${usb}/1-1.4/1-1.4:1.0/bInterfaceSubClass`]: 'ff\n',
      [`${usb}/1-1.4/1-1.4:1.0/bInterfaceProtocol`]: '11\n',
      [`${usb}/1-1.4/1-1.4:1.0/ttyUSB0/dev`]: '188:0\n',
      [`${usb}/2-1/idVendor`]: '2c7c\n',
      [`${usb}/2-1/idProduct`]: '0125\n',
      [`${usb}/2-1/product`]: 'EG25-G\n',
      [`${usb}/2-1/2-1:1.2/bInterfaceClass`]: 'ff\n',
      [`${usb}/2-1/2-1:1.2/bInterfaceNumber`]: '02\n',
      [`${usb}/2-1/2-1:1.2/ttyUSB3/dev`]: '188:3\n',
      [`${usb}/3-1/idVendor`]: '046d\n',
      [`${usb}/3-1/idProduct`]: 'c52b\n',
    });
    const dev = await tree({ mhi_BHI: '', mhi_EDL: '', wwan0firehose0: '', ttyS0: '' });
    const listing = await listDevices(sys, dev);
    expect(listing.usb.map((d) => [d.path, d.mode, d.interfaces.map((i) => i.tty)])).toEqual([
      ['1-1.4', 'edl', ['ttyUSB0']],
      ['2-1', 'normal', ['ttyUSB3']],
    ]);
    expect(listing.pcie).toEqual([
      join(dev, 'mhi_BHI'),
      join(dev, 'mhi_EDL'),
      join(dev, 'wwan0firehose0'),
    ]);
    const text = renderListing(listing).join('\n');
    expect(text).toContain('--device usb:3EB3EBC4');
    expect(text).toContain('interface 2: ff/00/00 /dev/ttyUSB3');
  });
});

describe('--device selection', () => {
  it('parses every form', () => {
    expect(parseDeviceSpec()).toEqual({ kind: 'usb', serial: undefined });
    expect(parseDeviceSpec('usb:3eb3ebc4')).toEqual({ kind: 'usb', serial: '3EB3EBC4' });
    expect(parseDeviceSpec('/dev/ttyUSB0')).toEqual({ kind: 'path', path: '/dev/ttyUSB0' });
    expect(parseDeviceSpec('tcp://127.0.0.1:9008')).toEqual({
      kind: 'tcp',
      host: '127.0.0.1',
      port: 9008,
    });
    expect(parseDeviceSpec('sim:rm500q')).toEqual({ kind: 'sim', profile: 'rm500q', state: 'edl' });
    expect(parseDeviceSpec('sim:eg25g:normal')).toEqual({
      kind: 'sim',
      profile: 'eg25g',
      state: 'normal',
    });
    expect(() => parseDeviceSpec('bluetooth')).toThrow(
      expect.objectContaining({ code: 'QFH_USAGE' }),
    );
  });

  it('refuses to guess between two EDL devices, and picks by serial', async () => {
    const a = new SimulatedModem({ profile: 'eg25g' });
    const b = new SimulatedModem({ profile: 'msm8974-emmc' });
    const fake = new FakeUsb([a, b]);
    await expect(openDevice(parseDeviceSpec('usb'), { usbModule: fake })).rejects.toMatchObject({
      code: 'QFH_DEVICE_AMBIGUOUS',
      hint: expect.stringMatching(/usb:SERIAL/),
    });
    const t = await openDevice(parseDeviceSpec('usb:1E76093A'), { usbModule: fake });
    expect(t.description).toContain('SN:1E76093A');
    await t.close();
  });

  it('waits for the device with a message saying what is seen, then opens it when it appears', async () => {
    const modem = new SimulatedModem({ profile: 'eg25g', state: 'normal' });
    const fake = new FakeUsb([modem]);
    const messages: string[] = [];
    setTimeout(() => modem.unplug(), 100);
    setTimeout(() => modem.powerOn('edl'), 300);
    const t = await openDevice(parseDeviceSpec('usb'), {
      usbModule: fake,
      waitMs: 5000,
      onWaiting: (m) => messages.push(m),
    });
    expect(messages[0]).toMatch(
      /waiting for an EDL device.*seen: 2c7c:0125 \(a Quectel modem in normal mode/,
    );
    expect(t.description).toMatch(/05c6:9008/);
    await t.close();
  });

  it('gives up with what it saw', async () => {
    await expect(
      openDevice(parseDeviceSpec('usb'), {
        usbModule: new FakeUsb([new SimulatedModem({ state: 'normal' })]),
        waitMs: 50,
      }),
    ).rejects.toMatchObject({
      code: 'QFH_NO_DEVICE',
      message: expect.stringMatching(/seen: 2c7c:0125/),
    });
  });
});

describe('qfh info and qfh list on the command line', () => {
  it('qfh info --device sim:eg25g --json prints the chip identity', async () => {
    const { code, stdout } = await runCli(['info', '--device', 'sim:eg25g', '--json']);
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as { data: unknown }).data).toMatchObject({
      version: 2,
      serial: 0x3b090f7d,
      hwId: { hex: '000480e100000000' },
    });
  });

  it('qfh list --json is valid JSON on this machine', async () => {
    const { code, stdout } = await runCli(['list', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      schema: 'qfh-events/1',
      event: 'result',
      data: { usb: expect.any(Array), pcie: expect.any(Array) },
    });
  });

  it('qfh info with nothing listening at a tcp handle: no device (exit 4), with what to start', async () => {
    const { code, stderr } = await runCli(['info', '--device', 'tcp://127.0.0.1:1']);
    expect(code).toBe(4);
    expect(stderr).toMatch(
      /^qfh: no modem at tcp:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\) \[QFH_NO_DEVICE\]/,
    );
    expect(stderr).toMatch(/relay-script|qfh simulate/);
  });
});

describe('what a --device handle says before it is opened', () => {
  it('spells every handle back as it was given', () => {
    for (const text of [
      'usb',
      'usb:ABC123',
      'usb:1-1.4',
      '/dev/ttyUSB0',
      'tcp://192.168.1.1:5000',
      'tcp://[fe80::1]:5000',
      'sim:rm500q',
      'sim:eg25g:normal',
    ])
      expect(deviceText(parseDeviceSpec(text))).toBe(text);
  });

  it('knows a simulated modem’s mode and that each opening is a new modem; a real device’s mode is found by opening it', () => {
    expect(knownMode(parseDeviceSpec('sim:eg25g:normal'))).toBe('normal');
    expect(knownMode(parseDeviceSpec('sim:eg25g'))).toBe('edl');
    expect(deviceText(parseDeviceSpec('sim:eg25g'), 'normal')).toBe('sim:eg25g:normal');
    for (const real of ['usb', 'usb:1-1.4', '/dev/ttyUSB2', 'tcp://127.0.0.1:1']) {
      expect(knownMode(parseDeviceSpec(real))).toBeUndefined();
      expect(opensNewModem(parseDeviceSpec(real))).toBe(false);
    }
    expect(opensNewModem(parseDeviceSpec('sim'))).toBe(true);
  });
});
