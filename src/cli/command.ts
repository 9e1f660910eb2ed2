/**
 * One module per command: each exports a {@link CliCommand} with its syntax, description,
 * examples (shown in its --help), options and run function. `main.ts` only wires them.
 *
 * @module
 */
import type { ArgumentsCamelCase, Argv } from 'yargs';
import type { SessionHooks } from './capture-option.js';
import type { CliContext } from './context.js';
import type { EventWriter } from './events.js';

/** What a command's run function gets besides its arguments. */
export interface RunContext extends CliContext {
  /** `--json` events (a no-op writer without --json). */
  readonly events: EventWriter;
  /** `--capture` / `--debug-bundle`: wraps the devices the command opens, takes its plan. */
  readonly session: SessionHooks;
}

/** A command, with its argument type erased for the list in main.ts. */
export interface CliCommand {
  /** yargs syntax, e.g. `plan <package>`; aliases follow. */
  readonly syntax: readonly string[];
  readonly describe: string;
  readonly examples: readonly (readonly [string, string])[];
  readonly options: (y: Argv) => Argv;
  readonly run: (argv: Record<string, unknown>, ctx: RunContext) => Promise<number>;
  /** Takes --capture and --debug-bundle (commands that talk to a device through Sahara/Firehose). */
  readonly captures?: boolean;
}

/** Defines a command, keeping its options and its run function in step. */
export function defineCommand<T>(c: {
  captures?: boolean;
  syntax: readonly string[];
  describe: string;
  examples: readonly (readonly [string, string])[];
  options: (y: Argv) => Argv<T>;
  run: (argv: ArgumentsCamelCase<T>, ctx: RunContext) => Promise<number>;
}): CliCommand {
  return {
    syntax: c.syntax,
    describe: c.describe,
    examples: c.examples,
    options: c.options as (y: Argv) => Argv,
    run: c.run as (argv: Record<string, unknown>, ctx: RunContext) => Promise<number>,
    ...(c.captures ? { captures: true } : {}),
  };
}
