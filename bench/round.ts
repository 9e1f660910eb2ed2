/**
 * One round of the bench for one qfh tree: every figure measured once, next to the limits
 * measured in the same round. Each in-process case runs in a fresh child process.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FlashCost } from './cases-host.js';
import { catCost, type ReadCost } from './cases-limits.js';
import type { Samples } from './figures.js';
import type { Inputs } from './inputs.js';
import { idleNode, runNode, startSimServer, type CliRun } from './spawn.js';

const here = dirname(fileURLToPath(import.meta.url));
const GiB = 2 ** 30;
const MiB = 2 ** 20;
/** Flashes of each package behind a no-verify marginal figure. */
const REPEAT = 8;
const perGiB = (c: { cpu: number; bytes: number }): number => c.cpu / (c.bytes / GiB);
const mbs = (c: { bytes: number; seconds: number }): number => c.bytes / 1e6 / c.seconds;

/** Runs a case of case-child.js in its own process; resolves to what it printed. */
async function caseChild<T>(name: string, params: Record<string, unknown>): Promise<T> {
  const child = spawn(
    process.execPath,
    [join(here, 'case-child.js'), JSON.stringify({ case: name, ...params })],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  const line = /^RESULT (.*)$/m.exec(out)?.[1];
  if (code !== 0 || !line) throw new Error(`bench case ${name} failed (exit ${code}): ${out}`);
  return JSON.parse(line) as T;
}

/** The limits of a round: they do not depend on the tree measured. */
export interface Limits {
  readonly read: ReadCost;
  readonly sha256: ReadCost;
  readonly sha256Send: ReadCost;
  readonly cat: ReadCost | undefined;
}

/** Measures the limits on the big UFS image. */
export async function measureLimits(inputs: Inputs, samples: Samples): Promise<Limits> {
  const { read, sha256, sha256Send } = await caseChild<{
    read: ReadCost;
    sha256: ReadCost;
    sha256Send: ReadCost;
  }>('limits', { file: inputs.ufs.image });
  const cat = await catCost(inputs.ufs.image);
  samples.add('limit.read', {
    value: perGiB(read),
    mbs: mbs(read),
    ...(cat ? { limit: perGiB(cat), limitMbs: mbs(cat) } : {}),
  });
  samples.add('limit.read-sha256', {
    value: perGiB(sha256),
    limit: perGiB(read),
    mbs: mbs(sha256),
    limitMbs: mbs(read),
  });
  samples.add('limit.read-sha256-send', {
    value: perGiB(sha256Send),
    limit: perGiB(sha256),
    mbs: mbs(sha256Send),
    limitMbs: mbs(sha256),
  });
  return { read, sha256, sha256Send, cat };
}

/** `qfh flash ROOT` from the tree's command line onto a simulator server. */
async function cliFlash(
  subject: string,
  o: { root: string; profile: string; discard: boolean; args: string[] },
): Promise<CliRun> {
  const server = await startSimServer({ subject, profile: o.profile, discard: o.discard });
  try {
    const run = await runNode(
      [join(subject, 'bin/qfh.js')],
      ['flash', o.root, '--device', `tcp://127.0.0.1:${server.port}`, '--yes', ...o.args],
    );
    if (run.code !== 0) throw new Error(`qfh flash ${basename(o.root)} failed: ${run.stderr}`);
    return run;
  } finally {
    await server.stop();
  }
}

/**
 * Peak RSS of a host-only child flashing `root`, in bytes: onto a discarding server, or with
 * verification onto one that keeps what it is sent (its getsha256digest needs the bytes).
 */
async function peakRss(subject: string, root: string, verify = false): Promise<number> {
  const server = await startSimServer({ subject, profile: 'sm8150-ufs', discard: !verify });
  try {
    const run = await runNode(
      [join(here, 'memory-child.js')],
      [JSON.stringify({ subject, root, port: server.port, verify })],
    );
    if (run.code !== 0) throw new Error(`memory child failed: ${run.stderr}`);
    return run.maxRss;
  } finally {
    await server.stop();
  }
}

async function hostFigures(
  subject: string,
  inputs: Inputs,
  l: Limits,
  samples: Samples,
): Promise<void> {
  // The small package twice: the first run pays one-time costs (JIT, lazy set-up) that the
  // big one would not, and the marginal figure must not subtract them.
  const [, vs, v] = await caseChild<(FlashCost & { simCpu: number; simWritten: number })[]>(
    'hostVerify',
    { subject, roots: [inputs.ufs.small, inputs.ufs.small, inputs.ufs.big], profile: 'sm8150-ufs' },
  );
  if (!vs || !v) throw new Error('hostVerify returned no costs');
  const lim = { limit: perGiB(l.sha256), limitMbs: mbs(l.sha256) };
  samples.add('host.verify.ufs', { value: perGiB(v), mbs: mbs(v), ...lim });
  const vMarginal = perGiB({ cpu: v.cpu - vs.cpu, bytes: v.bytes - vs.bytes });
  samples.add('host.verify.ufs.marginal', { value: vMarginal, mbs: mbs(v), ...lim });
  samples.add('host.verify.ufs.vs-send', {
    value: perGiB(v),
    mbs: mbs(v),
    limit: perGiB(l.sha256Send),
    limitMbs: mbs(l.sha256Send),
  });
  samples.add('sim.verify.ufs', {
    value: perGiB({ cpu: v.simCpu, bytes: v.simWritten }),
    mbs: mbs(v),
    ...lim,
  });
  // UFS and NAND flashes alternate in one child, each package REPEAT times after one
  // warm-up flash of each small one: a single 448 MiB NAND flash costs 0.1 CPU s, and
  // with the two figures taken in separate children at separate moments, the machine's
  // load moved their ratio between 1.05 and 2.76 within one full run.
  const kinds = [
    { profile: 'sm8150-ufs', small: inputs.ufs.small, big: inputs.ufs.big },
    { profile: 'rm500q', small: inputs.nand.small, big: inputs.nand.big },
  ];
  const runs = [
    ...kinds.map((k) => ({ kind: k.profile, size: 'warm-up', root: k.small })),
    ...Array.from({ length: REPEAT }, () => [
      ...kinds.map((k) => ({ kind: k.profile, size: 'small', root: k.small })),
      ...kinds.map((k) => ({ kind: k.profile, size: 'big', root: k.big })),
    ]).flat(),
  ];
  const costs = await caseChild<FlashCost[]>('hostNoVerify', {
    subject,
    runs: runs.map((r) => ({ root: r.root, profile: r.kind })),
  });
  if (costs.length !== runs.length)
    throw new Error(`hostNoVerify returned ${costs.length} costs, not ${runs.length}`);
  const sum = (kind: string, size: string): FlashCost => {
    const list = costs.filter((_, i) => runs[i]?.kind === kind && runs[i]?.size === size);
    return {
      bytes: list.reduce((n, c) => n + c.bytes, 0),
      cpu: list.reduce((n, c) => n + c.cpu, 0),
      seconds: list.reduce((n, c) => n + c.seconds, 0),
    };
  };
  const marginal = (kind: string): [number, FlashCost] => {
    const small = sum(kind, 'small');
    const big = sum(kind, 'big');
    return [perGiB({ cpu: big.cpu - small.cpu, bytes: big.bytes - small.bytes }), big];
  };
  const read = { limit: perGiB(l.read), limitMbs: mbs(l.read) };
  const [ufs, ufsBig] = marginal('sm8150-ufs');
  samples.add('host.noverify.ufs.marginal', { value: ufs, mbs: mbs(ufsBig), ...read });
  samples.add('host.noverify.ufs.whole', { value: perGiB(ufsBig), mbs: mbs(ufsBig), ...read });
  const [nand, nandBig] = marginal('rm500q');
  samples.add('host.noverify.nand-8kib.marginal', {
    value: nand,
    limit: ufs,
    mbs: mbs(nandBig),
    limitMbs: mbs(ufsBig),
  });
}

async function processFigures(
  subject: string,
  inputs: Inputs,
  l: Limits,
  samples: Samples,
): Promise<void> {
  const cli = async (
    root: string,
    profile: string,
    bytes: number,
  ): Promise<{ cpu: number; bytes: number; seconds: number }> => {
    const run = await cliFlash(subject, {
      root,
      profile,
      discard: true,
      args: ['--no-verify', '--allow-missing-md5'],
    });
    return { cpu: run.cpu, bytes, seconds: run.seconds };
  };
  const ufs = await cli(inputs.ufs.big, 'sm8150-ufs', inputs.sizes.ufs);
  samples.add('process.noverify.ufs', {
    value: perGiB(ufs),
    limit: perGiB(l.read),
    mbs: mbs(ufs),
    limitMbs: mbs(l.read),
  });
  const nand = await cli(inputs.nand.big, 'rm500q', inputs.sizes.nand);
  samples.add('process.noverify.nand-8kib', {
    value: perGiB(nand),
    limit: perGiB(ufs),
    mbs: mbs(nand),
    limitMbs: mbs(ufs),
  });
  const small = await cliFlash(subject, {
    root: inputs.startup,
    profile: 'sm8150-ufs',
    discard: false,
    args: [],
  });
  samples.add('startup.small-flash', { value: small.cpu, limit: 0.25 });
  samples.add('reference.node', { value: (await runNode(['-e', '0'], [])).cpu });
}

async function memoryFigures(subject: string, inputs: Inputs, samples: Samples): Promise<void> {
  const idle = (await idleNode()).maxRss;
  const above = async (root: string, verify = false): Promise<number> =>
    ((await peakRss(subject, root, verify)) - idle) / MiB;
  samples.add('memory.raw-1gib', { value: await above(inputs.memory.raw), limit: 32 });
  samples.add('memory.raw-1gib.verify', { value: await above(inputs.memory.raw, true), limit: 32 });
  samples.add('memory.sparse-4gib', { value: await above(inputs.memory.sparse), limit: 32 });
  samples.add('memory.zip', { value: await above(inputs.memory.zip), limit: 32 });
  // What a router owner runs: the command line, on top of the library.
  const cli = async (verify: boolean, root = inputs.memory.raw): Promise<number> => {
    const run = await cliFlash(subject, {
      root,
      profile: 'sm8150-ufs',
      discard: !verify,
      args: [...(verify ? [] : ['--no-verify']), '--allow-missing-md5'],
    });
    return (run.maxRss - idle) / MiB;
  };
  samples.add('memory.cli.raw-1gib', { value: await cli(false), limit: 32 });
  samples.add('memory.cli.raw-1gib.verify', { value: await cli(true), limit: 32 });
  // The README's RAM figure for a router: Node itself, and `qfh flash FW.zip` on top of it.
  samples.add('memory.cli.zip.verify', { value: await cli(true, inputs.memory.zip), limit: 32 });
  samples.add('memory.node-idle', { value: idle / MiB });
}

async function modelFigures(
  subject: string,
  inputs: Inputs,
  quick: boolean,
  samples: Samples,
): Promise<void> {
  const m = await caseChild<{ seconds: number; deviceSeconds: number; reflashSeconds: number }>(
    'modelled',
    { subject, root: inputs.rm500q },
  );
  samples.add('modelled.rm500q', { value: m.seconds, limit: m.deviceSeconds });
  samples.add('modelled.rm500q.reflash-unchanged', { value: m.reflashSeconds, limit: m.seconds });
  const counts = quick ? [1, 4, 16] : [1, 4, 8, 16];
  const many = await caseChild<{ n: number; bytes: number; seconds: number; cpu: number }[]>(
    'many',
    { subject, root: inputs.many, counts },
  );
  const one = many.find((x) => x.n === 1);
  for (const x of many) {
    if (!one || (x.n !== 4 && x.n !== 16)) continue;
    samples.add(`many.${x.n}.efficiency`, { value: mbs(x), limit: x.n * mbs(one) });
    if (x.n === 16) samples.add('many.16.cpu-per-device', { value: x.cpu / x.n / x.seconds });
  }
  const p = await caseChild<{ seconds: number; md5Seconds: number }>('planning', {
    subject,
    ...inputs.planning,
  });
  samples.add('planning.seconds', { value: p.seconds, limit: p.md5Seconds });
}

/** Measures every figure of the tree at `subject` once. */
export async function round(
  subject: string,
  c: { inputs: Inputs; limits: Limits; quick: boolean; samples: Samples },
): Promise<void> {
  await hostFigures(subject, c.inputs, c.limits, c.samples);
  await processFigures(subject, c.inputs, c.limits, c.samples);
  await memoryFigures(subject, c.inputs, c.samples);
  await modelFigures(subject, c.inputs, c.quick, c.samples);
}
