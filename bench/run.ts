/**
 * `npm run bench [-- --quick] [-- --rounds N] [-- --compare REF] [-- --out FILE]`: qfh's
 * speed and memory against the simulator. Every figure stands next to a limit measured in
 * the same round on the same bytes (CPU against CPU, wall against wall); rounds are
 * repeated and reported as median and spread. With --compare, the tree at REF is built
 * and measured in the same run, rounds alternating between the two trees, and the ratio
 * of each figure is printed. Results go to a JSON file (bench/out/results.json), from
 * which `npm run bench:readme` regenerates the README table; the last lines are one
 * `BENCH {json}` per figure.
 */
import { cpus, loadavg, tmpdir } from 'node:os';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildRef } from './compare.js';
import { FIGURES } from './defs.js';
import { Samples, table, type FigureResult } from './figures.js';
import { makeInputs } from './inputs.js';
import { measureLimits, round } from './round.js';

const here = dirname(fileURLToPath(import.meta.url));
const tree = resolve(here, '../..');
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const quick = process.argv.includes('--quick');
const rounds = Number(arg('--rounds') ?? (quick ? 3 : 5));
const ref = arg('--compare');
const out = resolve(arg('--out') ?? join(tree, 'bench/out/results.json'));

interface Subject {
  readonly name: string;
  readonly root: string;
  readonly commit?: string;
  readonly samples: Samples;
}

/** Per figure: this tree's median over the ref's (lower is better for every figure but efficiency). */
function comparison(a: readonly FigureResult[], b: readonly FigureResult[]): object[] {
  return a.flatMap((x) => {
    const y = b.find((r) => r.name === x.name);
    return y
      ? [
          {
            name: x.name,
            unit: x.unit,
            current: x.value,
            ref: y.value,
            ratio: Math.round((x.value / y.value) * 1000) / 1000,
          },
        ]
      : [];
  });
}

async function main(): Promise<void> {
  const load = { start: loadavg(), end: [] as number[] };
  const started = Date.now();
  const work = await mkdtemp(join(tmpdir(), 'qfh-bench-'));
  try {
    const subjects: Subject[] = [{ name: 'current', root: tree, samples: new Samples() }];
    if (ref)
      subjects.push({ name: ref, ...(await buildRef(tree, ref, work)), samples: new Samples() });
    const inputs = await makeInputs(work, quick);
    const made = Date.now();
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? subjects : [...subjects].reverse();
      for (const s of order) {
        const limits = await measureLimits(inputs, s.samples);
        await round(s.root, { inputs, limits, quick, samples: s.samples });
      }
      process.stderr.write(
        `bench: round ${r + 1}/${rounds} done (${Math.round((Date.now() - started) / 1000)} s)\n`,
      );
    }
    load.end = loadavg();
    const results = subjects.map((s) => ({
      name: s.name,
      commit: s.commit,
      figures: s.samples.results(FIGURES),
    }));
    const seconds = Math.round((Date.now() - made) / 1000);
    const compare = results[1]
      ? comparison(results[0]?.figures ?? [], results[1].figures)
      : undefined;
    const doc = {
      format: 'qfh-bench',
      version: 1,
      date: new Date().toISOString(),
      mode: quick ? 'quick' : 'full',
      rounds,
      seconds,
      machine: {
        platform: process.platform,
        arch: process.arch,
        cpus: cpus().length,
        cpu: cpus()[0]?.model,
        node: process.version,
      },
      load,
      subjects: results,
      ...(compare ? { compare } : {}),
    };
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, `${JSON.stringify(doc, null, 2)}\n`);
    print(doc, results, compare);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function print(
  doc: { mode: string; rounds: number; seconds: number; load: { start: number[]; end: number[] } },
  results: { name: string; figures: FigureResult[] }[],
  compare: object[] | undefined,
): void {
  const la = (l: number[]): string => l.map((x) => x.toFixed(2)).join(' ');
  console.log(
    `qfh benchmarks (${doc.mode}, ${doc.rounds} rounds, ${doc.seconds} s after the inputs were made) on ${process.platform}-${process.arch}, node ${process.version}, ${cpus().length} cores; load average ${la(doc.load.start)} at the start, ${la(doc.load.end)} at the end\n`,
  );
  for (const r of results) console.log([`${r.name}:`, ...table(r.figures), ''].join('\n'));
  if (compare) {
    console.log(`current / ${results[1]?.name ?? 'ref'} (median of each; below 1 is smaller):`);
    for (const c of compare as { name: string; current: number; ref: number; ratio: number }[])
      console.log(
        `  ${c.name.padEnd(38)} ${String(c.current).padStart(9)} ${String(c.ref).padStart(9)} ${String(c.ratio).padStart(7)}`,
      );
    console.log('');
  }
  for (const f of results[0]?.figures ?? [])
    console.log(
      `BENCH ${JSON.stringify({ name: f.name, value: f.value, unit: f.unit, limit: f.limit, ratio: f.ratio, spread: f.spread, goal: f.goal, met: f.met })}`,
    );
}

await main();
