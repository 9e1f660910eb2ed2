/**
 * Checks of the modems attached: kernel drivers bound to an EDL device, and whether any
 * modem is there at all.
 *
 * @module
 */
import { listDevices } from '../transport/sysfs-devices.js';
import type { DoctorCheck, DoctorEnvironment } from './doctor.js';

/** Drivers on 9008 and the modems seen. */
export async function deviceChecks(e: DoctorEnvironment): Promise<DoctorCheck[]> {
  const listing = await listDevices(e.sysRoot ?? '/sys', e.devRoot ?? '/dev');
  const bound = listing.usb
    .filter((d) => d.mode === 'edl')
    .flatMap((d) => d.interfaces.filter((i) => i.driver).map((i) => ({ d, i })));
  const checks: DoctorCheck[] = bound.map(({ d, i }) => ({
    check: 'EDL driver',
    status: 'info',
    detail: `${i.driver} is bound to ${d.path} (05c6:9008)${i.tty ? ` as /dev/${i.tty}` : ''}`,
    fix: `qfh's usb backend detaches it by itself; or flash through it: --device /dev/${i.tty ?? 'ttyUSB0'}`,
  }));
  checks.push(
    listing.usb.length === 0 && listing.pcie.length === 0
      ? {
          check: 'modem',
          status: 'info',
          detail: 'no Quectel or EDL modem found',
          fix: 'plug the modem in; qfh list shows what is attached',
        }
      : {
          check: 'modem',
          status: 'ok',
          detail: `${listing.usb.length} USB modem(s), ${listing.pcie.length} PCIe node(s)`,
          fix: undefined,
        },
  );
  return checks;
}
