/**
 * Figures: each round of the bench records one sample per figure (a value next to a limit
 * measured in the same round, on the same bytes, the same way); the samples of the
 * repeated rounds are reported as their median and spread. CPU figures are compared with
 * CPU limits, wall figures with wall limits, never one with the other.
 *
 * @module
 */

/** What a figure is. */
export interface FigureDef {
  readonly name: string;
  readonly unit: string;
  /** What the limit is (for the table). */
  readonly limit: string;
  /** The ratio value/limit the issue asks for, if any. */
  readonly goal?: { readonly atMost: number };
  readonly note: string;
}

/** One round's measurement of a figure. */
export interface Sample {
  readonly value: number;
  readonly limit?: number;
  /** Wall MB/s of the same run, and of the limit's, where bytes moved. */
  readonly mbs?: number;
  readonly limitMbs?: number;
}

/** A figure over every round. */
export interface FigureResult {
  readonly name: string;
  readonly unit: string;
  readonly value: number;
  readonly spread: readonly [number, number];
  readonly limit: number | undefined;
  readonly limitText: string;
  readonly ratio: number | undefined;
  readonly ratioSpread: readonly [number, number] | undefined;
  readonly goal: number | undefined;
  readonly met: boolean | undefined;
  readonly mbs: number | undefined;
  readonly limitMbs: number | undefined;
  readonly rounds: number;
  /** Every round's value and ratio, in the order measured (the spread's shape, not just its ends). */
  readonly values: readonly number[];
  /** `null` in a round without a limit, so ratios line up with values. */
  readonly ratios: readonly (number | null)[];
  readonly note: string;
}

const round3 = (n: number): number => Math.round(n * 1000) / 1000;

/** The median of `xs` (the mean of the middle two when even). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
}

const spreadOf = (xs: readonly number[]): [number, number] => [
  round3(Math.min(...xs)),
  round3(Math.max(...xs)),
];

/** Samples of every round, by figure name. */
export class Samples {
  private readonly byName = new Map<string, Sample[]>();

  add(name: string, sample: Sample): void {
    const list = this.byName.get(name) ?? [];
    list.push(sample);
    this.byName.set(name, list);
  }

  /** Median and spread of every figure that has samples, in the order of `defs`. */
  results(defs: readonly FigureDef[]): FigureResult[] {
    return defs.flatMap((d) => {
      const samples = (this.byName.get(d.name) ?? []).filter((s) => Number.isFinite(s.value));
      if (samples.length === 0) return [];
      const values = samples.map((s) => s.value);
      const limits = samples.flatMap((s) => (s.limit === undefined ? [] : [s.limit]));
      const ratios = samples.flatMap((s) => (s.limit ? [s.value / s.limit] : []));
      const mbs = samples.flatMap((s) => (s.mbs === undefined ? [] : [s.mbs]));
      const limitMbs = samples.flatMap((s) => (s.limitMbs === undefined ? [] : [s.limitMbs]));
      const ratio = ratios.length ? round3(median(ratios)) : undefined;
      return [
        {
          name: d.name,
          unit: d.unit,
          value: round3(median(values)),
          spread: spreadOf(values),
          limit: limits.length ? round3(median(limits)) : undefined,
          limitText: d.limit,
          ratio,
          ratioSpread: ratios.length ? spreadOf(ratios) : undefined,
          goal: d.goal?.atMost,
          met: d.goal && ratio !== undefined ? ratio <= d.goal.atMost : undefined,
          mbs: mbs.length ? round3(median(mbs)) : undefined,
          limitMbs: limitMbs.length ? round3(median(limitMbs)) : undefined,
          rounds: samples.length,
          values: values.map(round3),
          ratios: samples.map((s) => (s.limit ? round3(s.value / s.limit) : null)),
          note: d.note,
        },
      ];
    });
  }
}

const fmt = (n: number | undefined): string =>
  n === undefined ? '' : Math.abs(n) >= 100 ? n.toFixed(0) : n.toPrecision(3);

/** The table printed at the end of a run. */
export function table(results: readonly FigureResult[]): string[] {
  const head = `${'figure'.padEnd(38)} ${'value'.padStart(8)} ${'(min–max)'.padEnd(15)} ${'unit'.padEnd(5)} ${'limit'.padStart(8)} ${'ratio'.padStart(6)} ${'goal'.padStart(6)} ${'wall MB/s'.padStart(9)} ${'limit'.padStart(7)}`;
  return [
    head,
    ...results.map(
      (r) =>
        `${r.name.padEnd(38)} ${fmt(r.value).padStart(8)} ${`(${fmt(r.spread[0])}–${fmt(r.spread[1])})`.padEnd(15)} ${r.unit.padEnd(5)} ${fmt(r.limit).padStart(8)} ${fmt(r.ratio).padStart(6)} ${(r.goal === undefined ? '' : `≤${r.goal}${r.met ? ' ok' : ' NO'}`).padStart(6)} ${fmt(r.mbs).padStart(9)} ${fmt(r.limitMbs).padStart(7)}`,
    ),
  ];
}
