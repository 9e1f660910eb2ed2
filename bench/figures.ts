/**
 * The figures the benchmarks record (each next to a limit measured in the same run) and how
 * they are measured.
 *
 * @module
 */

/** Whether the quick mode runs. */
export const quick = process.argv.includes('--quick');
export const MiB = 1 << 20;

export interface Figure {
  name: string;
  value: number;
  unit: string;
  limit: number;
  ratio: number;
  note: string;
}
export const figures: Figure[] = [];
// Five positional fields, as every caller passes them; the perf branch replaces this file.
/* eslint-disable max-params */
export const record = (
  name: string,
  value: number,
  unit: string,
  limit: number,
  note: string,
): void => {
  figures.push({
    name,
    value: round(value),
    unit,
    limit: round(limit),
    ratio: round(value / limit),
    note,
  });
};
/* eslint-enable max-params */
const round = (n: number): number => Math.round(n * 1000) / 1000;

/** Wall seconds and this process's CPU seconds of `fn`. */
export async function measure<T>(
  fn: () => Promise<T>,
): Promise<{ result: T; seconds: number; cpu: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const result = await fn();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  return { result, seconds, cpu: (cpu.user + cpu.system) / 1e6 };
}
