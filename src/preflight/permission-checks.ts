/**
 * What stops a user who is not root: opening 05c6:9008 through usbfs needs a udev rule that
 * grants it (libusb reports LIBUSB_ERROR_ACCESS otherwise), and the qcserial/option ttys
 * (`/dev/ttyUSB*`) belong to the `dialout` group. Each check says the exact fix.
 *
 * @module
 */
import { constants } from 'node:fs';
import { access, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DoctorCheck } from './doctor.js';

/** Where and as whom the checks look. */
export interface PermissionEnvironment {
  /** The user's uid (root needs nothing). @default process.getuid() */
  readonly uid?: number | undefined;
  /** The user's groups. @default process.getgroups() */
  readonly groups?: readonly number[] | undefined;
  /** `/etc` (for `group` and `udev/rules.d`). */
  readonly etcRoot?: string | undefined;
  /** Further udev rule folders. @default /lib/udev/rules.d and /usr/lib/udev/rules.d */
  readonly udevRuleDirs?: readonly string[] | undefined;
  /** `/dev`. */
  readonly devRoot?: string | undefined;
}

/**
 * The rule qfh suggests: the user at the machine's seat (systemd-logind's `uaccess`, applied
 * by rules numbered below 73) and the `plugdev` group get the device; nobody else does. A
 * world-writable node would give every local account (a service, a guest) raw EDL access:
 * reading a modem's whole NAND, or erasing its boot loader.
 */
export const EDL_UDEV_RULE =
  'SUBSYSTEM=="usb", ATTR{idVendor}=="05c6", ATTR{idProduct}=="9008", MODE="0660", GROUP="plugdev", TAG+="uaccess"';

const RULE_FIX = `echo '${EDL_UDEV_RULE}' | sudo tee /etc/udev/rules.d/51-qcom-edl.rules && sudo udevadm control --reload-rules && sudo udevadm trigger`;

/** A MODE="…" that lets other accounts read or write the node. */
const OPEN_TO_ALL = /MODE\s*:?=\s*"0?[0-7]{2}[2-7]"/;

/** The permission checks, none for root. */
export async function permissionChecks(e: PermissionEnvironment): Promise<DoctorCheck[]> {
  const uid = e.uid ?? process.getuid?.() ?? 0;
  if (uid === 0)
    return [
      {
        check: 'permissions',
        status: 'ok',
        detail: 'running as root: USB and tty devices are open to qfh',
        fix: undefined,
      },
    ];
  const etc = e.etcRoot ?? '/etc';
  const dirs = [
    join(etc, 'udev/rules.d'),
    ...(e.udevRuleDirs ?? ['/lib/udev/rules.d', '/usr/lib/udev/rules.d']),
  ];
  return [await udevCheck(dirs), await dialoutCheck(etc, e)];
}

/** A udev rule that names 05c6 and 9008 (in one line) in any rules folder. */
async function udevCheck(dirs: readonly string[]): Promise<DoctorCheck> {
  for (const dir of dirs) {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.endsWith('.rules'))) {
      const text = await readFile(join(dir, name), 'utf8').catch(() => '');
      const rule = text
        .split('\n')
        .find((l) => /05c6/i.test(l) && /9008/.test(l) && !/^\s*#/.test(l));
      if (rule !== undefined && OPEN_TO_ALL.test(rule))
        return {
          check: 'usb permission',
          status: 'warn',
          detail: `the udev rule in ${join(dir, name)} opens the EDL device (05c6:9008) to every account on this machine, not only yours`,
          // uaccess works from a rule numbered below 73: the line moves to 51-qcom-edl.rules.
          fix: `sudo sed -i '/05c6/{/9008/d}' ${join(dir, name)} && ${RULE_FIX}`,
        };
      if (rule !== undefined)
        return {
          check: 'usb permission',
          status: 'ok',
          detail: `a udev rule for 05c6:9008 is in ${join(dir, name)}`,
          fix: undefined,
        };
    }
  }
  return {
    check: 'usb permission',
    status: 'warn',
    detail:
      'no udev rule gives your user the EDL device (05c6:9008): libusb will be refused access',
    fix: RULE_FIX,
  };
}

/** Membership of the group that owns the USB serial ttys (dialout on Debian and Fedora). */
async function dialoutCheck(etc: string, e: PermissionEnvironment): Promise<DoctorCheck> {
  const groups = e.groups ?? process.getgroups?.() ?? [];
  const line = (await readFile(join(etc, 'group'), 'utf8').catch(() => ''))
    .split('\n')
    .find((l) => l.startsWith('dialout:'));
  const gid = line === undefined ? undefined : Number(line.split(':')[2]);
  const tty = join(e.devRoot ?? '/dev', 'ttyUSB0');
  const open = await access(tty, constants.R_OK | constants.W_OK).then(
    () => true,
    () => false,
  );
  if (open || (gid !== undefined && groups.includes(gid)))
    return {
      check: 'tty permission',
      status: 'ok',
      detail: open ? `${tty} is open to you` : 'you are in the dialout group (USB serial ports)',
      fix: undefined,
    };
  return {
    check: 'tty permission',
    status: 'warn',
    detail:
      gid === undefined
        ? 'no dialout group here: the AT and EDL ttys (/dev/ttyUSB*) may be root-only'
        : 'you are not in the dialout group: the AT and EDL ttys (/dev/ttyUSB*) will be refused',
    fix: 'sudo usermod -aG dialout "$USER", then log out and back in',
  };
}
