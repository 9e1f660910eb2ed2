/**
 * The next step after a failed flash: the advice that works the first time from the
 * modem's state and the kind of failure. A programmer that stopped answering cannot be
 * reached again until the modem restarts, so every failure with a programmer possibly
 * wedged asks for a power-cycle first; one that answered (a NAK, a verify mismatch, a
 * stop on request) is still running, and `qfh edl-recover` picks it up as it is.
 *
 * @module
 */
import {
  FirehoseNakError,
  InterruptedError,
  PlanRefusedError,
  type QfhError,
  VerifyMismatchError,
  ZipError,
} from '../errors.js';
import type { FlashState } from './flash-report.js';

/** What the advice depends on. */
export interface AdviceContext {
  readonly state: FlashState;
  readonly error: QfhError;
  /** The package, as the user named it. */
  readonly packagePath: string;
  /** How the user named the device (`--device …`), to repeat in the command. */
  readonly deviceArgument?: string | undefined;
}

const POWER_CYCLE =
  'Power-cycle the modem (unplug it, or cut its power, for a few seconds) and wait until `qfh list` shows it as 05c6:9008';

/** The programmer answered this failure, so it is still running and in step. */
function programmerAnswered(error: QfhError): boolean {
  return (
    error instanceof FirehoseNakError ||
    error instanceof VerifyMismatchError ||
    error instanceof InterruptedError ||
    error instanceof PlanRefusedError
  );
}

/** One sentence or two: the state, then the exact command. */
export function nextStep(c: AdviceContext): string {
  const device = c.deviceArgument ? ` --device ${c.deviceArgument}` : '';
  const recover = `qfh edl-recover ${quote(c.packagePath)}${device}`;
  const answered = programmerAnswered(c.error);
  if (c.error.code === 'QFH_DEVICE_BUSY')
    return 'Nothing was written: another host is using the modem. Wait until it has finished, then run the same command again.';
  // The same damaged zip fails the same way: a fresh download comes first.
  if (c.error instanceof ZipError && c.state !== 'untouched')
    return `The firmware zip is damaged: download it again. The modem is partly written and will not boot. ${POWER_CYCLE}, then run: qfh edl-recover NEW-ZIP${device}`;
  switch (c.state) {
    case 'untouched':
      return answered
        ? `Nothing was written: the modem keeps its firmware. Fix the problem above, then run: qfh flash ${quote(c.packagePath)}${device}`
        : `Nothing was written: the modem keeps its firmware. ${POWER_CYCLE} (or boots normally), then run the same command again.`;
    case 'partial':
      return answered
        ? `The modem is partly written and will not boot. It is still in EDL with the programmer running: run ${recover}`
        : `The modem is partly written and will not boot. ${POWER_CYCLE}, then run: ${recover}`;
    case 'complete':
      return 'Every image was written and verified; only the last step failed. Power-cycle the modem: it starts the new firmware.';
    case 'flashed':
      return 'Nothing to do.';
  }
}

const quote = (path: string): string => (/[\s'"$`\\]/.test(path) ? JSON.stringify(path) : path);
