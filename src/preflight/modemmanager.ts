/**
 * Keeping ModemManager away from the modem for the length of an update, and giving it back
 * afterwards, even when the update fails: `systemctl stop/start ModemManager` where systemd
 * runs it, the OpenWrt init script otherwise.
 *
 * @module
 */
import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';
import { promisify } from 'node:util';

/** Runs a command; injected in tests. */
export type CommandRunner = (command: string, args: readonly string[]) => Promise<void>;

const run: CommandRunner = async (command, args) => {
  await promisify(execFile)(command, [...args]);
};

/** Starts ModemManager again; `startCommand` is the same as a line a user can run. */
export type ModemManagerUndo = (() => Promise<void>) & { readonly startCommand: string };

/** Stops ModemManager; resolves to a function that starts it again (call it in `finally`). */
export async function stopModemManager(
  runner: CommandRunner = run,
  initScript = '/etc/init.d/modemmanager',
): Promise<ModemManagerUndo> {
  const openwrt = await access(initScript).then(
    () => true,
    () => false,
  );
  const [command, stop, start] = openwrt
    ? [initScript, ['stop'], ['start']]
    : ['systemctl', ['stop', 'ModemManager'], ['start', 'ModemManager']];
  await runner(command, stop);
  return Object.assign(() => runner(command, start), {
    startCommand: [command, ...start].join(' '),
  });
}
