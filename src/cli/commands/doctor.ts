/**
 * `qfh doctor`: the pre-flight checks, each with its result and a one-line fix.
 *
 * @module
 */
import { runDoctor } from '../preflight/doctor.js';
import { ExitCode } from './exit-codes.js';
import { toJsonText } from './json-output.js';
import type { CliOutput } from './output.js';

/** Runs `qfh doctor`; exit 3 when a check would refuse a flash. */
export async function runDoctorCommand(json: boolean, out: CliOutput): Promise<number> {
  const checks = await runDoctor();
  if (json) out.stdout(`${toJsonText(checks)}\n`);
  else
    for (const c of checks)
      out.stdout(
        `${c.status.toUpperCase().padEnd(6)} ${c.check}: ${c.detail}${c.fix ? `\n       fix: ${c.fix}` : ''}${c.flag ? ` (or accept with ${c.flag})` : ''}\n`,
      );
  return checks.some((c) => c.status === 'refuse') ? ExitCode.REFUSED : ExitCode.OK;
}
