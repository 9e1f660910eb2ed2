/**
 * How a failure reaches the user: one line saying what happened and its code, the hint on
 * the next line, the exit status of its outcome; with --json, an `error` event and a
 * `result` event instead of anything on stdout besides them. Anything that is not a
 * QfhError is a bug in qfh, said so.
 *
 * @module
 */
import { asQfhError } from '../errors.js';
import type { EventWriter } from './events.js';
import { exitCodeFor, type ExitCodeValue } from './exit-codes.js';
import type { CliOutput } from './output.js';

/** Reports `e` and returns the exit status. */
export function reportError(
  e: unknown,
  c: { out: CliOutput; events: EventWriter; command: string },
): ExitCodeValue {
  const error = asQfhError(e);
  const exitCode = exitCodeFor(error);
  c.out.stderr(`qfh: ${error.message} [${error.code}]\n${error.hint ? `  ${error.hint}\n` : ''}`);
  c.events.error(error);
  c.events.emit({ event: 'result', command: c.command, ok: false, exitCode });
  return exitCode;
}
