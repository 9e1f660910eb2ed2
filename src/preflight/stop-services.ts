/**
 * `--stop-services`: stops the router's modem services for the length of an update and
 * puts back every one it stopped, in reverse order, even when the update fails (and even
 * when stopping one of them failed part-way).
 *
 * @module
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { TransportError } from '../errors.js';
import type { CommandRunner } from './modemmanager.js';
import { commandLine, type ModemService } from './openwrt-services.js';

const run: CommandRunner = async (command, args) => {
  await promisify(execFile)(command, [...args]);
};

/** What the restore did. */
export interface RestoreResult {
  readonly restarted: readonly string[];
  /** Commands that failed, or that qfh cannot run (a dialer it only killed): the user runs these. */
  readonly manual: readonly string[];
}

/** Callbacks for what happens. */
export interface StopOptions {
  readonly runner?: CommandRunner;
  readonly onMessage?: (line: string) => void;
}

async function exec(runner: CommandRunner, argv: readonly string[]): Promise<boolean> {
  const [command, ...args] = argv;
  return runner(command ?? 'false', args).then(
    () => true,
    () => false,
  );
}

/** Stops `services`; resolves to the function that puts them back. */
export async function stopServices(
  services: readonly ModemService[],
  o: StopOptions = {},
): Promise<() => Promise<RestoreResult>> {
  const runner = o.runner ?? run;
  const stopped: ModemService[] = [];
  const restore = async (): Promise<RestoreResult> => {
    const restarted: string[] = [];
    const manual: string[] = [];
    for (const s of [...stopped].reverse()) {
      if (!s.start) continue;
      if (await exec(runner, s.start)) restarted.push(commandLine(s.start));
      else manual.push(commandLine(s.start));
    }
    return { restarted, manual };
  };
  for (const s of services) {
    if (!(await exec(runner, s.stop))) {
      o.onMessage?.(
        `could not stop ${s.what} (${commandLine(s.stop)}); putting back what was stopped`,
      );
      const back = await restore();
      const putBack = back.manual.length > 0 ? ` Run yourself: ${back.manual.join('; ')}.` : '';
      throw new TransportError(
        'QFH_TRANSPORT_BUSY',
        `could not stop ${s.what} (${commandLine(s.stop)} failed); nothing was sent to the modem`,
        { hint: `Stop it by hand, then run qfh again.${putBack}` },
      );
    }
    stopped.push(s);
    o.onMessage?.(`stopped ${s.what}: ${commandLine(s.stop)}`);
  }
  return restore;
}

/** Runs `fn` with the services stopped, and puts them back whatever `fn` does. */
export async function withStoppedServices<T>(
  services: readonly ModemService[],
  fn: () => Promise<T>,
  o: StopOptions & { onRestored?: (r: RestoreResult) => void } = {},
): Promise<T> {
  const restore = await stopServices(services, o);
  try {
    return await fn();
  } finally {
    // Not `o.onRestored?.(await restore())`: an absent callback would skip the restore.
    const restored = await restore();
    o.onRestored?.(restored);
  }
}
