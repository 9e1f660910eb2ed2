/**
 * Child processes of the bench: a simulator server, a qfh command line with its CPU and
 * peak memory counted, and `node` itself idle (the memory baseline).
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** A running simulator server. */
export interface SimServer {
  readonly port: number;
  /** Stops it; resolves to its own CPU seconds and the bytes it stored. */
  stop(): Promise<{ cpu: number; written: number }>;
}

/** Starts `sim-server.js` for the subject at `subject`. */
export async function startSimServer(o: {
  subject: string;
  profile: string;
  discard: boolean;
  /** Bytes of storage touched before it listens (see sim-server.ts). */
  touchBytes?: number;
}): Promise<SimServer> {
  const child = spawn(process.execPath, [join(here, 'sim-server.js'), JSON.stringify(o)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  for (let i = 0; i < 400 && !/listening on/.test(out); i++)
    await new Promise((r) => setTimeout(r, 25));
  const port = Number(/127\.0\.0\.1:(\d+)/.exec(out)?.[1]);
  if (!port) throw new Error(`the simulator server did not start: ${out}`);
  return {
    port,
    stop: async () => {
      child.kill('SIGINT');
      await exited;
      const line = /SIM (\{.*\})/.exec(out)?.[1];
      return line
        ? (JSON.parse(line) as { cpu: number; written: number })
        : { cpu: NaN, written: 0 };
    },
  };
}

/** A command line run: exit code, output, wall seconds, CPU seconds and peak RSS of the whole process. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
  readonly cpu: number;
  readonly maxRss: number;
}

/** Runs `node [--import exit-usage] script args` and waits for it. */
export async function runNode(script: string[], args: string[]): Promise<CliRun> {
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    ['--import', new URL('./exit-usage.js', import.meta.url).href, ...script, ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  const seconds = (performance.now() - t0) / 1000;
  const usage = /USAGE (\{.*\})/.exec(stderr)?.[1];
  if (!usage) throw new Error(`no usage from ${script.join(' ')}: ${stderr.slice(-500)}`);
  const { cpu, maxRss } = JSON.parse(usage) as { cpu: number; maxRss: number };
  return { code, stdout, stderr, seconds, cpu, maxRss };
}

/** `node` doing nothing for 300 ms, counted the same way: the baseline of every memory figure. */
export async function idleNode(): Promise<CliRun> {
  return runNode(['-e', 'setTimeout(() => {}, 300)'], []);
}
