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
