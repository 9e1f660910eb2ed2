/**
 * The test runner inside the USB test machine: runs each case in order with its own work
 * folder and deadline, prints one `QFH-TEST {json}` line per case on the console (the host
 * turns them into its report) and writes the same records to the results share.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { UsbModuleLike } from '../../../src/transport/usb-api.js';
import { removeLeftovers } from './simulator.js';

/** What every case gets. */
export interface CaseContext {
  /** The checkout (read-only inside the guest). */
  readonly root: string;
  /** `bin/qfh.js` of the checkout. */
  readonly qfh: string;
  readonly node: string;
  /** This case's folder on the results share (logs, captures). */
  readonly results: string;
  /** This case's scratch folder (tmpfs). */
  readonly work: string;
  /** The real `usb` module, loaded once for the runner. */
  readonly usb: UsbModuleLike;
  /** Adds a line to this case's log. */
  log(line: string): void;
}

/** One test case: resolves with a one-line detail, throws on failure. */
export interface UsbCase {
  readonly name: string;
  /** @default 120000 */
  readonly timeoutMs?: number;
  /** The next case goes on with the simulator this one leaves running (no clean-up between). */
  readonly leavesDevice?: boolean;
  run(ctx: CaseContext): Promise<string>;
}

/** The record of one case. */
export interface CaseResult {
  readonly n: number;
  readonly name: string;
  readonly ok: boolean;
  readonly seconds: number;
  readonly detail: string;
}

/** What the runner shares with every case. */
export interface RunnerSetup {
  readonly root: string;
  readonly node: string;
  readonly results: string;
  readonly usb: UsbModuleLike;
}

const slug = (name: string): string =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 48);

async function runOne(c: UsbCase, n: number, setup: RunnerSetup): Promise<CaseResult> {
  const dir = `${String(n).padStart(2, '0')}-${slug(c.name)}`;
  const results = join(setup.results, dir);
  const work = join('/tmp/qfh-vm', dir);
  await mkdir(results, { recursive: true });
  await mkdir(work, { recursive: true });
  const lines: string[] = [];
  const ctx: CaseContext = {
    root: setup.root,
    qfh: join(setup.root, 'bin', 'qfh.js'),
    node: setup.node,
    results,
    work,
    usb: setup.usb,
    log: (line) => lines.push(`${(performance.now() / 1000).toFixed(2)} ${line}`),
  };
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no result within ${(c.timeoutMs ?? 120_000) / 1000} s`)),
      c.timeoutMs ?? 120_000,
    );
  });
  let ok = true;
  let detail: string;
  try {
    detail = await Promise.race([c.run(ctx), deadline]);
  } catch (e) {
    ok = false;
    detail = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    lines.push(e instanceof Error ? (e.stack ?? detail) : detail);
  } finally {
    clearTimeout(timer);
    if (!ok || !c.leavesDevice) await removeLeftovers();
    // Storage dumps are large (a NAND is 256 MiB) and /tmp is the guest's memory.
    if (!c.leavesDevice) await rm(work, { recursive: true, force: true });
  }
  const seconds = (performance.now() - started) / 1000;
  await writeFile(join(results, 'case.log'), `${lines.join('\n')}\n`);
  return { n, name: c.name, ok, seconds, detail };
}

/** Runs `cases` (each with its number) in order; resolves with every result. */
export async function runCases(
  cases: readonly { readonly c: UsbCase; readonly n: number }[],
  setup: RunnerSetup,
): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const { c, n } of cases) {
    const result = await runOne(c, n, setup);
    results.push(result);
    process.stdout.write(`QFH-TEST ${JSON.stringify(result)}\n`);
  }
  return results;
}
