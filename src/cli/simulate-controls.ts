/**
 * How a running `qfh simulate` is controlled from outside: SIGHUP power-cycles the modem,
 * SIGUSR2 writes its storage dump, and it stops on its own when its parent is gone.
 *
 * @module
 */
import { dumpStorage } from '../sim/dump-storage.js';
import type { SimulatedModem } from '../sim/modem.js';

/** SIGHUP power-cycles the modem; SIGUSR2 writes the --dump now. */
export function serviceSignals(
  modem: SimulatedModem,
  o: { dump: string | undefined; say: (line: string) => void },
): { dispose(): void } {
  const cycle = (): void => {
    o.say('SIGHUP: power-cycling the modem');
    modem.powerCycle();
  };
  const dump = (): void => {
    if (!o.dump) return o.say('SIGUSR2: no --dump folder given');
    void dumpStorage(modem.storage, o.dump).then((files) =>
      o.say(`storage written to ${files.join(', ')}`),
    );
  };
  process.on('SIGHUP', cycle);
  process.on('SIGUSR2', dump);
  // So `pgrep -f "^qfh simulate"` finds the process these signals go to, however it was
  // started (`node …/qfh.js simulate`, the bundle, or npx, whose own npm process is not it).
  const title = process.title;
  process.title = 'qfh simulate';
  return {
    dispose: () => {
      process.off('SIGHUP', cycle);
      process.off('SIGUSR2', dump);
      process.title = title;
    },
  };
}

/**
 * Calls `gone` once this process's parent has exited (it was re-parented): `npx qfh simulate`
 * killed with SIGKILL, or a test runner that died, must not leave a simulator listening.
 */
export function watchParent(gone: () => void): NodeJS.Timeout {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    gone();
  }, 500);
  timer.unref();
  return timer;
}
