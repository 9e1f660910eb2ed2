/**
 * Runs one documented command as a user would type it: through `sh`, in the stand-in folder,
 * with the stand-in `qfh` first on PATH. A command that asks (a flash's confirmation) gets a
 * terminal of its own from `script(1)` and the user's answer on it.
 */
import { spawn } from 'node:child_process';

/** What the command did. */
export interface Ran {
  readonly code: number;
  /** stdout and stderr together, as the user saw them. */
  readonly output: string;
}

/** Runs `command` in `cwd`; `answer` is typed into its terminal when it asks (`ctrl-d`: end of input). */
export function runDocumented(
  command: string,
  c: { cwd: string; bin: string; answer?: string | undefined; timeoutMs: number },
): Promise<Ran> {
  const quoted = `'${command.replaceAll("'", "'\\''")}'`;
  const args = c.answer === undefined ? ['-c', command] : ['-c', `script -qec ${quoted} /dev/null`];
  return new Promise((resolve, reject) => {
    const child = spawn('sh', args, {
      cwd: c.cwd,
      env: { ...process.env, PATH: `${c.bin}:${process.env['PATH'] ?? ''}`, NO_COLOR: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), c.timeoutMs);
    if (c.answer !== undefined) {
      // Typed once the question is on the screen, as a user would.
      child.stdout.on('data', () => {
        // eslint-disable-next-line no-control-regex -- the terminal's cursor codes
        const screen = output.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
        if (/\[y\/N\]\s*$/.test(screen) && c.answer !== undefined) {
          child.stdin.write(c.answer === 'ctrl-d' ? '\x04' : `${c.answer}\n`);
          c = { ...c, answer: undefined };
        }
      });
    } else child.stdin.end();
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, output });
    });
  });
}

/** A documented command that serves until stopped (`qfh simulate`), started. */
export interface Serving {
  /** Its output so far. */
  output(): string;
  /** Ctrl-C to it; resolves once it ended. */
  stop(): Promise<Ran>;
}

/**
 * Starts `command` (one simple command); resolves once its output shows `ready`, rejects if it
 * does not in time. The shell execs it, so Ctrl-C reaches it alone, as from a terminal whose
 * interactive shell ignores the signal (a `sh -c` would die of it and hide its exit).
 */
export function startServing(
  command: string,
  c: { cwd: string; bin: string; ready: string; timeoutMs: number },
): Promise<Serving> {
  const child = spawn('sh', ['-c', `exec ${command}`], {
    cwd: c.cwd,
    env: { ...process.env, PATH: `${c.bin}:${process.env['PATH'] ?? ''}`, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const ended = new Promise<Ran>((resolve) =>
    child.on('close', (code) => resolve({ code: code ?? -1, output })),
  );
  const signal = (name: NodeJS.Signals, target: number) => {
    if (child.exitCode === null && child.signalCode === null) process.kill(target, name);
  };
  const serving: Serving = {
    output: () => output,
    stop: () => (signal('SIGINT', child.pid ?? 0), ended),
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal('SIGKILL', -(child.pid ?? 0));
      reject(new Error(`"${command}" did not show "${c.ready}" in time:\n${output}`));
    }, c.timeoutMs);
    const seen = (d: Buffer) => {
      output += d.toString();
      if (!output.includes(c.ready)) return;
      clearTimeout(timer);
      resolve(serving);
    };
    child.stdout.on('data', seen);
    child.stderr.on('data', seen);
    void ended.then((r) => {
      clearTimeout(timer);
      reject(new Error(`"${command}" ended (exit ${r.code}) before "${c.ready}":\n${r.output}`));
    });
  });
}
