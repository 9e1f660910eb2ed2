import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { main } from '../../src/cli/main.js';
import type { SignalSource, Terminal } from '../../src/cli/context.js';

/** The built CLI. */
export const BIN = join(dirname(fileURLToPath(import.meta.url)), '../../bin/qfh.js');
const run = promisify(execFile);

/** Runs the built CLI in a child process, as a user would; never throws. */
export async function qfh(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  return qfhIn(process.cwd(), args);
}

/** {@link qfh}, run in the folder `cwd`. */
export async function qfhIn(
  cwd: string,
  args: readonly string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      maxBuffer: 64 << 20,
      cwd,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** Runs `main()` in-process with captured output, a scripted terminal and no process signals. */
export async function runCli(
  args: readonly string[],
  o: { terminal?: Partial<Terminal>; signals?: SignalSource } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const terminal: Terminal = {
    canAsk: false,
    isTTY: false,
    confirm: async () => false,
    ...o.terminal,
  };
  const code = await main(args, {
    out: { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) },
    terminal,
    signals: o.signals ?? { onStop: () => () => undefined },
  });
  return { code, stdout, stderr };
}
