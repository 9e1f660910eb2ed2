/**
 * The `qfh` command line: wires the commands (one module each, `commands/`) into yargs,
 * runs the one asked for, and turns a failure into one line, a hint and the exit status of
 * its code's outcome (never a stack trace). `--json` makes every stdout line an event.
 *
 * @module
 */
import yargs, { type Argv } from 'yargs';
import { UsageError } from '../errors.js';
import type { CliCommand } from './command.js';
import { checkOutputPaths } from './output-paths.js';
import { backupCommand } from './commands/backup.js';
import { demoCommand } from './commands/demo.js';
import { relayScriptCommand } from './commands/relay-script.js';
import { doctorCommand } from './commands/doctor.js';
import { flashCommand } from './commands/flash.js';
import { fotaCommand } from './commands/fota.js';
import { infoCommand } from './commands/info.js';
import { inspectCommand } from './commands/inspect.js';
import { listCommand } from './commands/list.js';
import { planCommand } from './commands/plan.js';
import { simulateCommand } from './commands/simulate.js';
import { verifyCommand } from './commands/verify.js';
import { wiresharkCommand } from './commands/wireshark.js';
import {
  captureArgs,
  NO_SESSION_HOOKS,
  sessionCapture,
  withCaptureOptions,
} from './capture-option.js';
import { processSignals, processTerminal, type CliContext } from './context.js';
import { EventWriter } from './events.js';
import { ExitCode } from './exit-codes.js';
import { processOutput, terminalSafeOutput } from './output.js';
import { reportError } from './report-error.js';
import { unknownArgumentsError } from './unknown-arguments.js';
import { withoutHelpCache } from './help-cache.js';

/** Every command, in the order --help lists them. */
export const COMMANDS: readonly CliCommand[] = [
  listCommand,
  planCommand,
  flashCommand,
  infoCommand,
  backupCommand,
  verifyCommand,
  fotaCommand,
  doctorCommand,
  inspectCommand,
  wiresharkCommand,
  simulateCommand,
  demoCommand,
  relayScriptCommand,
];

const VERSION = '0.1.0';

/** Runs one command, with the capture and debug bundle its options ask for. */
async function runCommand(
  c: CliCommand,
  argv: Record<string, unknown>,
  o: { ctx: CliContext; events: EventWriter; args: readonly string[] },
): Promise<number> {
  if (!c.captures) return c.run(argv, { ...o.ctx, events: o.events, session: NO_SESSION_HOOKS });
  const asked = captureArgs(
    argv as { capture?: string; 'debug-bundle'?: string; 'debug-bundle-raw'?: boolean },
    o.args,
  );
  await checkOutputPaths([
    asked.capture === undefined
      ? undefined
      : { path: asked.capture, given: '--capture', kind: 'file' },
    asked.debugBundle === undefined
      ? undefined
      : { path: asked.debugBundle, given: '--debug-bundle', kind: 'file' },
  ]);
  const capture = sessionCapture(asked, o.ctx.out);
  const events = new EventWriter(capture.out, o.events.json);
  return c
    .run(argv, { ...o.ctx, out: capture.out, events, session: capture })
    .then(capture.done, capture.failed);
}

/** Runs qfh with `args` (without `node` and the script); resolves to the exit status. */
export async function main(
  args: readonly string[],
  context: Partial<CliContext> = {},
): Promise<number> {
  const ctx: CliContext = {
    // Everything qfh prints passes here: text from devices and the network included.
    out: terminalSafeOutput(context.out ?? processOutput),
    terminal: context.terminal ?? processTerminal,
    signals: context.signals ?? processSignals,
    bus: context.bus,
  };
  const events = new EventWriter(ctx.out, args.includes('--json'));
  const command = args.find((a) => !a.startsWith('-')) ?? '';
  let code: number = ExitCode.OK;
  let parser: Argv = yargs([...args])
    .scriptName('qfh')
    .usage('$0 <command> [options]');
  for (const c of COMMANDS)
    parser = parser.command(
      [...c.syntax],
      c.describe,
      (y) =>
        c.examples.reduce(
          (a, [cmd, what]) => a.example(cmd, what),
          c.options(c.captures ? withCaptureOptions(y) : y),
        ),
      async (argv) => {
        code = await runCommand(c, argv as Record<string, unknown>, { ctx, events, args });
      },
    );
  parser = parser
    .completion(
      'completion',
      'Print a shell completion script: qfh completion >> ~/.bashrc (or ~/.zshrc), then open a new shell',
    )
    .demandCommand(1, 'Name a command.')
    .strict()
    .help()
    .alias('h', 'help')
    .version(VERSION)
    .exitProcess(false)
    .fail((msg, err) => {
      throw (
        err ??
        unknownArgumentsError(msg ?? '', { args, commands: COMMANDS }) ??
        new UsageError('QFH_USAGE', msg ?? 'bad command line', {
          hint: 'Run `qfh --help` for the commands, `qfh COMMAND --help` for one.',
        })
      );
    })
    .wrap(100);
  try {
    await withoutHelpCache(parser).parseAsync([...args], {}, (_err, _argv, output) => {
      if (output) ctx.out.stdout(`${output}\n`);
    });
    return code;
  } catch (e) {
    return reportError(e, { out: ctx.out, events, command });
  }
}
