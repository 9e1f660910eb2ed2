import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDoctor } from '../../src/preflight/doctor.js';

async function tree(
  files: Record<string, string>,
  links: Record<string, string> = {},
): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'qfh-doctor-'));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), content);
  }
  for (const [path, target] of Object.entries(links)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await symlink(target, join(root, path));
  }
  return root;
}

describe('qfh doctor on fixture /proc and /sys trees', () => {
  it('finds ModemManager, a process holding /dev/ttyUSB2, qcserial bound to 9008, and SSH over wwan0', async () => {
    const proc = await tree(
      { '101/comm': 'ModemManager\n', '202/comm': 'minicom\n', '303/comm': 'bash\n' },
      { '202/fd/3': '/dev/ttyUSB2', '303/fd/0': '/dev/pts/0' },
    );
    const usb = 'bus/usb/devices';
    const sys = await tree(
      {
        [`${usb}/1-1.4/idVendor`]: '05c6\n',
        [`${usb}/1-1.4/idProduct`]: '9008\n',
        [`${usb}/1-1.4/1-1.4:1.0/bInterfaceClass`]: 'ff\n',
        [`${usb}/1-1.4/1-1.4:1.0/bInterfaceSubClass`]: 'ff\n',
        [`${usb}/1-1.4/1-1.4:1.0/bInterfaceProtocol`]: '10\n',
        [`${usb}/1-1.4/1-1.4:1.0/ttyUSB0/dev`]: '188:0\n',
      },
      { [`${usb}/1-1.4/1-1.4:1.0/driver`]: '../../../../bus/usb/drivers/qcserial' },
    );
    const checks = await runDoctor({
      procRoot: proc,
      sysRoot: sys,
      devRoot: await tree({}),
      env: { SSH_CONNECTION: '192.168.1.10 50000 10.64.1.2 22' },
      ipAddr:
        '1: lo    inet 127.0.0.1/8 scope host lo\n5: wwan0    inet 10.64.1.2/30 brd 10.64.1.3 scope global wwan0\n',
      folders: [tmpdir()],
    });
    const by = (check: string): typeof checks => checks.filter((c) => c.check === check);
    expect(by('modem daemons')).toEqual([
      expect.objectContaining({
        status: 'warn',
        detail: expect.stringMatching(/ModemManager is running \(pid 101\)/),
        fix: expect.stringMatching(/systemctl stop ModemManager/),
        daemon: 'ModemManager', // what --stop-modemmanager looks for
      }),
    ]);
    expect(by('open modem ports')).toEqual([
      expect.objectContaining({
        status: 'warn',
        detail: 'minicom (pid 202) holds /dev/ttyUSB2',
        fix: 'stop it first: kill 202',
      }),
    ]);
    expect(by('EDL driver')).toEqual([
      expect.objectContaining({
        status: 'info',
        detail: 'qcserial is bound to 1-1.4 (05c6:9008) as /dev/ttyUSB0',
      }),
    ]);
    expect(by('remote session')).toEqual([
      expect.objectContaining({
        status: 'refuse',
        flag: 'i-have-local-access',
        detail: expect.stringMatching(/over wwan0, the modem's own connection/),
      }),
    ]);
    expect(by('free space')[0]?.status).toBe('ok');
  });

  it('is quiet on a clean host, and SSH over the LAN is fine', async () => {
    const checks = await runDoctor({
      procRoot: await tree({ '1/comm': 'init\n' }),
      sysRoot: await tree({}),
      devRoot: await tree({}),
      env: { SSH_CONNECTION: '192.168.1.10 50000 192.168.1.1 22' },
      ipAddr: '3: br-lan    inet 192.168.1.1/24 scope global br-lan\n',
      folders: [],
    });
    expect(checks.filter((c) => c.status === 'warn' || c.status === 'refuse')).toEqual([]);
    expect(checks.find((c) => c.check === 'remote session')?.detail).toMatch(/over br-lan/);
  });
});

describe('stopping ModemManager for an update', () => {
  it('stops it with systemctl and starts it again with the returned function', async () => {
    const { stopModemManager } = await import('../../src/preflight/modemmanager.js');
    const calls: string[] = [];
    const restore = await stopModemManager(
      async (c, a) => void calls.push(`${c} ${a.join(' ')}`),
      '/nonexistent/init.d/modemmanager',
    );
    expect(calls).toEqual(['systemctl stop ModemManager']);
    await restore();
    expect(calls).toEqual(['systemctl stop ModemManager', 'systemctl start ModemManager']);
    expect(restore.startCommand).toBe('systemctl start ModemManager');
  });

  it('uses the OpenWrt init script where there is one', async () => {
    const { stopModemManager } = await import('../../src/preflight/modemmanager.js');
    const script = join(await tree({ modemmanager: '#!/bin/sh\n' }), 'modemmanager');
    const calls: string[] = [];
    const restore = await stopModemManager(
      async (c, a) => void calls.push(`${c} ${a.join(' ')}`),
      script,
    );
    await restore();
    expect(calls).toEqual([`${script} stop`, `${script} start`]);
    // What a failed restart tells the user to run: the router's own command, not systemctl.
    expect(restore.startCommand).toBe(`${script} start`);
  });
});
