/**
 * Runs one in-process bench case in a fresh process (no JIT or heap state carried from the
 * case before, and the subject tree's modules loaded alone): argument JSON
 * {case, ...params}; prints `RESULT {json}`.
 */
import { hostNoVerify, hostVerify } from './cases-host.js';
import { limits, planning } from './cases-limits.js';
import { many, modelled } from './cases-modelled.js';

const CASES: Record<string, (params: never) => Promise<unknown>> = {
  hostVerify,
  hostNoVerify,
  limits,
  planning,
  modelled,
  many,
};

const { case: name, ...params } = JSON.parse(process.argv[2] ?? '{}') as { case: string };
const run = CASES[name];
if (!run) throw new Error(`no bench case ${name}`);
console.log(`RESULT ${JSON.stringify(await run(params as never))}`);
process.exit(0); // the hashing thread and the simulator's timers must not hold the process
