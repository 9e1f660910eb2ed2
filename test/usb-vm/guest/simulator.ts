/**
 * `qfh simulate --functionfs` as a separate process, the device side of every case: the
 * simulated modem behind a configfs gadget on a UDC. The case pulls the cable by unbinding
 * the gadget and plugs it back by binding it; on stop the storage is dumped for the case
 * to compare with its own expectation.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile, rmdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { CaseContext } from './harness.js';

/** The gadget's configfs folder (the CLI's default name). */
export const GADGET = '/sys/kernel/config/usb_gadget/qfh-edl';

const MOUNT = '/run/qfh-vm/ffs';
/** Simulators a case started and did not stop. */
const running = new Set<ChildProcess>();

/** A running device side. */
export interface RunningSimulator {
  readonly udc: string;
  /** Pulls the cable: the gadget leaves its UDC. */
  unbind(): Promise<void>;
  /** Plugs it back in. */
  bind(): Promise<void>;
  /** Everything it printed so far. */
  output(): string;
  /** SIGTERM, then the storage dump (`lun0.img`) and what it printed. */
  stop(): Promise<{ lun0: string; stdout: string; stderr: string }>;
}

function waitFor(
  child: ChildProcess,
  text: () => string,
  pattern: RegExp,
  ms: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (pattern.test(text())) done(undefined);
    }, 50);
    const deadline = setTimeout(
      () => done(new Error(`simulator: no ${pattern} within ${ms} ms`)),
      ms,
    );
    const onExit = (code: number | null): void =>
      done(new Error(`simulator exited with ${code}: ${text().slice(-600)}`));
    child.once('exit', onExit);
    function done(e: Error | undefined): void {
      clearInterval(timer);
      clearTimeout(deadline);
      child.off('exit', onExit);
      if (e) reject(e);
      else resolve();
    }
  });
}

/** Starts the simulator for `profile` on `udc` and waits until its gadget is bound. */
export async function startSimulator(
  ctx: CaseContext,
  options: { profile: string; udc?: string },
): Promise<RunningSimulator> {
  const udc = options.udc ?? 'dummy_udc.0';
  const dump = join(ctx.work, 'dump');
  const child = spawn(
    ctx.node,
    [
      ctx.qfh,
      'simulate',
      '--profile',
      options.profile,
      '--functionfs',
      MOUNT,
      '--udc',
      udc,
      '--dump',
      dump,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.add(child);
  child.once('exit', () => running.delete(child));
  let stdout = '';
  let stderr = '';
  const log = createWriteStream(join(ctx.results, `simulator-${options.profile}.log`), {
    flags: 'a',
  });
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    log.write(d);
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    log.write(`${(performance.now() / 1000).toFixed(2)} ${d.toString()}`);
  });
  child.once('exit', () => log.end());
  await waitFor(child, () => stdout + stderr, /as USB gadget/, 30_000);
  ctx.log(`simulator ${options.profile} on ${udc}`);
  const udcFile = join(GADGET, 'UDC');
  return {
    udc,
    unbind: () => writeFile(udcFile, '\n'),
    bind: () => writeFile(udcFile, udc),
    output: () => stdout + stderr,
    stop: async () => {
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const code = await exited;
      if (code !== 0) throw new Error(`simulator exited with ${code}: ${stderr.slice(-600)}`);
      return { lun0: join(dump, 'lun0.img'), stdout, stderr };
    },
  };
}

const run = promisify(execFile);

/**
 * After a case: stops a simulator it left running and removes a gadget left behind, so the
 * next case starts from an empty bus whatever this one did.
 */
export async function removeLeftovers(): Promise<void> {
  for (const child of running) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
  await writeFile(join(GADGET, 'UDC'), '\n').catch(() => undefined);
  await run('umount', [MOUNT]).catch(() => undefined);
  await unlink(join(GADGET, 'configs/c.1/ffs.qfh-edl')).catch(() => undefined);
  for (const dir of ['configs/c.1', 'functions/ffs.qfh-edl', 'strings/0x409', '.'])
    await rmdir(join(GADGET, dir)).catch(() => undefined);
}

/** Whether the gadget is bound to a UDC now. */
export async function gadgetBound(): Promise<boolean> {
  return (await readFile(join(GADGET, 'UDC'), 'utf8').catch(() => '')).trim() !== '';
}
