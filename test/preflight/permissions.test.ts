import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EDL_UDEV_RULE, permissionChecks } from '../../src/preflight/permission-checks.js';

/** An /etc with `group` and the udev rules given. */
async function etc(rules: Record<string, string>, group: string): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'qfh-etc-'));
  await mkdir(join(root, 'udev/rules.d'), { recursive: true });
  await writeFile(join(root, 'group'), group);
  for (const [name, text] of Object.entries(rules))
    await writeFile(join(root, 'udev/rules.d', name), text);
  return root;
}

const GROUP = 'root:x:0:\ndialout:x:20:\nplugdev:x:46:alice\n';
const RULE = `${EDL_UDEV_RULE}\n`;
const OPEN_RULE =
  'SUBSYSTEM=="usb", ATTR{idVendor}=="05c6", ATTR{idProduct}=="9008", MODE="0666"\n';

describe('qfh doctor: what stops a user who is not root', () => {
  it('root needs nothing', async () => {
    const checks = await permissionChecks({ uid: 0 });
    expect(checks).toEqual([expect.objectContaining({ check: 'permissions', status: 'ok' })]);
  });

  it('no udev rule for 9008 and not in dialout: two warnings, each with the command that fixes it', async () => {
    const root = await etc({ '70-other.rules': '# 05c6 9008 only in a comment\n' }, GROUP);
    const checks = await permissionChecks({
      uid: 1000,
      groups: [1000, 46],
      etcRoot: root,
      udevRuleDirs: [],
      devRoot: root,
    });
    expect(checks).toEqual([
      expect.objectContaining({
        check: 'usb permission',
        status: 'warn',
        fix: expect.stringMatching(/51-qcom-edl\.rules.*udevadm control --reload-rules/),
      }),
      expect.objectContaining({
        check: 'tty permission',
        status: 'warn',
        fix: expect.stringMatching(/usermod -aG dialout/),
      }),
    ]);
  });

  it('a rule naming 05c6:9008 and dialout membership pass', async () => {
    const root = await etc({ '51-edl.rules': RULE }, GROUP);
    const checks = await permissionChecks({
      uid: 1000,
      groups: [1000, 20],
      etcRoot: root,
      udevRuleDirs: [],
      devRoot: root,
    });
    expect(checks.map((c) => [c.check, c.status])).toEqual([
      ['usb permission', 'ok'],
      ['tty permission', 'ok'],
    ]);
    expect(checks[0]?.detail).toContain('51-edl.rules');
  });

  it('the rule qfh suggests gives the seat user and plugdev the device, not every account', async () => {
    const root = await etc({}, GROUP);
    const [usb] = await permissionChecks({
      uid: 1000,
      groups: [],
      etcRoot: root,
      udevRuleDirs: [],
    });
    expect(usb?.fix).toContain(EDL_UDEV_RULE);
    expect(usb?.fix).not.toMatch(/0666/);
    expect(EDL_UDEV_RULE).toMatch(/MODE="0660", GROUP="plugdev", TAG\+="uaccess"/);
  });

  it('a rule that opens 9008 to every account (MODE="0666") is a warning, with the rule to put instead', async () => {
    const root = await etc({ '99-edl.rules': OPEN_RULE }, GROUP);
    const [usb] = await permissionChecks({
      uid: 1000,
      groups: [1000, 20],
      etcRoot: root,
      udevRuleDirs: [],
      devRoot: root,
    });
    expect(usb).toMatchObject({ check: 'usb permission', status: 'warn' });
    expect(usb?.detail).toContain('every account');
    expect(usb?.fix).toContain(
      `sudo sed -i '/05c6/{/9008/d}' ${join(root, 'udev/rules.d/99-edl.rules')} && echo '${EDL_UDEV_RULE}' | sudo tee /etc/udev/rules.d/51-qcom-edl.rules`,
    );
  });
});
