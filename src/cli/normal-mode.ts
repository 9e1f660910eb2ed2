/**
 * `qfh flash` on a modem in normal mode: the access to its AT and DIAG ports and to the EDL
 * device it becomes, for the simulator (`--device sim:PROFILE:normal`) and for a USB Quectel
 * module found in sysfs (DIAG on interface 0, AT on interface 2, as on EG25/EC25/RM5xx; a
 * visible countdown while waiting for 05c6:9008).
 *
 * @module
 */
import type { NormalModeAccess } from '../flash/from-normal-mode.js';
import { SimulatedModem } from '../sim/modem.js';
import { openCharDevice } from '../transport/chardev.js';
import { openDevice } from '../transport/select-device.js';
import { listDevices } from '../transport/sysfs-devices.js';
import type { Transport } from '../transport/transport.js';
import type { CliOutput } from './output.js';

async function waitFor(what: string, seconds: number, out: CliOutput, ready: () => boolean): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  let shown = -1;
  while (!ready()) {
    const left = Math.ceil((deadline - Date.now()) / 1000);
    if (left <= 0) throw new Error(`${what} did not appear within ${seconds} s`);
    if (left !== shown) out.stderr(`qfh: waiting for ${what}… ${left} s\n`);
    shown = left;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Access to a simulated modem booted in normal mode. */
export function simulatorAccess(profile: string, out: CliOutput, waitSeconds: number): { access: NormalModeAccess; modem: SimulatedModem } {
  const modem = new SimulatedModem({ profile, state: 'normal' });
  const at = modem.connect();
  const when = async (state: 'edl' | 'normal', what: string): Promise<Transport> => {
    await waitFor(what, waitSeconds, out, () => modem.state === state);
    return modem.connect();
  };
  return { modem, access: { at, diag: at, openEdl: () => when('edl', 'the modem in EDL (05c6:9008)'), reopenAt: () => when('normal', 'the modem to come back') } };
}

/** Access to a Quectel USB module in normal mode, if exactly one is attached. */
export async function usbNormalModeAccess(out: CliOutput, waitSeconds: number): Promise<NormalModeAccess | undefined> {
  const modems = (await listDevices()).usb.filter((d) => d.mode === 'normal');
  const modem = modems[0];
  if (modems.length !== 1 || !modem) return undefined;
  const tty = (n: number): string | undefined => modem.interfaces.find((i) => i.number === n)?.tty;
  const diagTty = tty(0);
  const atTty = tty(2) ?? tty(3);
  if (!diagTty || !atTty) return undefined;
  out.stderr(`qfh: found ${modem.product ?? 'a Quectel modem'} in normal mode at ${modem.path} (DIAG /dev/${diagTty}, AT /dev/${atTty})\n`);
  return {
    at: await openCharDevice(`/dev/${atTty}`),
    diag: await openCharDevice(`/dev/${diagTty}`),
    openEdl: () => openDevice({ kind: 'usb', serial: undefined }, { waitMs: Math.max(waitSeconds, 30) * 1000, onWaiting: (m) => out.stderr(`qfh: ${m}\n`) }),
  };
}
