/**
 * A simulated modem booted in normal mode, reachable the way `flashFromNormalMode` wants a
 * modem (its AT and DIAG ports, then the EDL device it becomes, then the AT port again),
 * for `--device sim:PROFILE:normal`, tests and library users.
 *
 * @module
 */
import { DeviceNotFoundError } from '../errors.js';
import type { Transport } from '../transport/transport.js';
import type { SimulatedModem } from './modem.js';

/** The shape `flashFromNormalMode` takes (flash/from-normal-mode.ts `NormalModeAccess`). */
export interface SimulatedAccess {
  readonly at: Transport;
  readonly diag: Transport;
  openEdl(): Promise<Transport>;
  reopenAt(): Promise<Transport>;
}

/** Access to `modem` (which must be in normal mode). */
export function simulatorAccess(
  modem: SimulatedModem,
  o: {
    /** Seconds to wait for the EDL device after the switch. */
    waitSeconds: number;
    /** Seconds to wait for the modem to boot after the update. @default 120 */
    bootWaitSeconds?: number;
    onMessage?: ((line: string) => void) | undefined;
  },
): SimulatedAccess {
  const at = modem.connect();
  const when = async (state: 'edl' | 'normal', what: string): Promise<Transport> => {
    const seconds = state === 'normal' ? (o.bootWaitSeconds ?? 120) : o.waitSeconds;
    const deadline = Date.now() + seconds * 1000;
    let shown = -1;
    while (modem.state !== state) {
      const left = Math.ceil((deadline - Date.now()) / 1000);
      if (left <= 0)
        throw new DeviceNotFoundError(
          'QFH_NO_DEVICE',
          `${what} did not appear within ${seconds} s`,
          {
            hint: 'The simulated modem did not re-enumerate; this is a bug in the simulator profile.',
          },
        );
      if (left !== shown) o.onMessage?.(`waiting for ${what}… ${left} s`);
      shown = left;
      await new Promise((r) => setTimeout(r, 50));
    }
    return modem.connect();
  };
  return {
    at,
    diag: at,
    openEdl: () => when('edl', 'the modem in EDL (05c6:9008)'),
    reopenAt: () => when('normal', 'the modem to come back'),
  };
}
