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
  /**
   * The arguments that reach this device, repeated in every command the advice names
   * (`['--relay', '192.168.1.1']`). @default `['--device', deviceArgument]` when one was given
   */
  readonly route?: readonly string[] | undefined;
  /** The modem may hold what an earlier run left (`edl-recover`): "untouched" is this run's. */
  readonly recovering?: boolean | undefined;
  /** Writes the modem carried out (ACKed) in this run; the state counts those sent. */
  readonly writesDone?: number | undefined;
}

/** Where the modem stands after the failure. */
export type Situation =
  | 'nothing-written'
  | 'device-busy'
  | 'partly-written'
  | 'written-last-step-failed'
  | 'zip-damaged'
  | 'done';

/**
 * The next step as data, so every route (the terminal, `--json` events, a fleet summary,
 * a page) renders the same advice and none can drop the arguments that reach its device.
 */
export interface NextStep {
  readonly situation: Situation;
  /** Power-cycle the modem first (a programmer that stopped answering is wedged). */
  readonly powerCycle: boolean;
  /** Download the package again first (the same damaged zip fails the same way). */
  readonly redownload: boolean;
  /**
   * What to run then: `qfh` arguments (the route included), `'same-command'` for the
   * command that failed, or `undefined` for nothing.
   */
  readonly run: readonly string[] | 'same-command' | undefined;
  /** The advice in words, as the terminal shows it. */
  readonly text: string;
}

const POWER_CYCLE =
  'Power-cycle the modem (unplug it, or cut its power, for a few seconds) and wait until `qfh list` shows it as 05c6:9008';

/** The programmer answered this failure, so it is still running and in step. */
function programmerAnswered(error: QfhError): boolean {
  return (
    error instanceof FirehoseNakError ||
    error instanceof VerifyMismatchError ||
    (error instanceof InterruptedError && !error.forced) ||
    error instanceof PlanRefusedError
  );
}

/** A run that wrote nothing; recovering, the modem may still be half-written from before. */
const nothingWritten = (recovering: boolean | undefined): string =>
  recovering
    ? 'Nothing was written by this run; the modem still holds what the earlier run left.'
    : 'Nothing was written: the modem keeps its firmware.';

/** The advice, worded: one sentence or two, the state then the exact command. */
export function nextStep(c: AdviceContext): string {
  return adviseNext(c).text;
}

/** The advice as data (its `text` is what {@link nextStep} says). */
export function adviseNext(c: AdviceContext): NextStep {
  const route = c.route ?? (c.deviceArgument ? ['--device', c.deviceArgument] : []);
  const command = (name: 'flash' | 'edl-recover', pkg: string): string[] => [name, pkg, ...route];
  const shown = (argv: readonly string[]): string => `qfh ${argv.map(quote).join(' ')}`;
  const answered = programmerAnswered(c.error);
  const step = (
    situation: Situation,
    o: { powerCycle?: boolean; redownload?: boolean; run?: NextStep['run'] },
    text: string,
  ): NextStep => ({
    situation,
    powerCycle: o.powerCycle ?? false,
    redownload: o.redownload ?? false,
    run: o.run,
    text,
  });
  if (c.error.code === 'QFH_DEVICE_BUSY')
    return step(
      'device-busy',
      { run: 'same-command' },
      'Nothing was written: another host is using the modem. Wait until it has finished, then run the same command again.',
    );
  // The same damaged zip fails the same way: a fresh download comes first.
  if (c.error instanceof ZipError && c.state !== 'untouched') {
    const run = command('edl-recover', 'NEW-ZIP');
    return step(
      'zip-damaged',
      { powerCycle: true, redownload: true, run },
      `The firmware zip is damaged: download it again. The modem is partly written and will not boot. ${POWER_CYCLE}, then run: ${shown(run)}`,
    );
  }
  const untouched = nothingWritten(c.recovering);
  switch (c.state) {
    case 'untouched': {
      // A stop before any write may have cut the programmer upload short: start over.
      if (answered && !(c.error instanceof InterruptedError)) {
        const run = command(c.recovering ? 'edl-recover' : 'flash', c.packagePath);
        return step(
          'nothing-written',
          { run },
          `${untouched} Fix the problem above, then run: ${shown(run)}`,
        );
      }
      return step(
        'nothing-written',
        { powerCycle: true, run: 'same-command' },
        `${untouched} ${POWER_CYCLE}${c.recovering ? '' : ' (or boots normally)'}, then run the same command again.`,
      );
    }
    case 'partial': {
      const run = command('edl-recover', c.packagePath);
      // The modem refused the first write it was sent and none came after: it changed nothing.
      if (c.error instanceof FirehoseNakError && c.writesDone === 0 && !c.recovering)
        return step(
          'nothing-written',
          { run },
          `The modem refused the first write, and nothing was sent after it: its firmware is as it was. It is still in EDL with the programmer running: fix the problem above, then run: ${shown(run)}`,
        );
      return answered
        ? step(
            'partly-written',
            { run },
            `The modem is partly written and will not boot. It is still in EDL with the programmer running: run ${shown(run)}`,
          )
        : step(
            'partly-written',
            { powerCycle: true, run },
            `The modem is partly written and will not boot. ${POWER_CYCLE}, then run: ${shown(run)}`,
          );
    }
    case 'complete':
      return step(
        'written-last-step-failed',
        { powerCycle: true },
        'Every image was written and verified; only the last step failed. Power-cycle the modem: it starts the new firmware.',
      );
    case 'flashed':
      return step('done', {}, 'Nothing to do.');
  }
}

const quote = (arg: string): string => (/[\s'"$`\\]/.test(arg) ? JSON.stringify(arg) : arg);
