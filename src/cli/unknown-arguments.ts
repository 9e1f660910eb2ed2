/**
 * What a typo on the command line gets: yargs says "Unknown arguments: devcie" (with a
 * camelCase copy of each, and the command's positionals after an unknown command); qfh says
 * which option or command was not understood and the nearest one it knows.
 *
 * @module
 */
import { closest, distance } from 'fastest-levenshtein';
import yargs from 'yargs';
import { UsageError } from '../errors.js';
import { withCaptureOptions } from './capture-option.js';
import type { CliCommand } from './command.js';

const GENERIC = 'Run `qfh --help` for the commands, `qfh COMMAND --help` for one.';

/** A name within two edits of one qfh knows: a typo, not another word. */
function nearest(word: string, known: readonly string[]): string | undefined {
  if (known.length === 0) return undefined;
  const best = closest(word, [...known]);
  return distance(word, best) <= Math.max(1, Math.min(2, word.length - 2)) ? best : undefined;
}

/** The options `c` takes, by their long names (its builder run on an empty parser). */
function optionNames(c: CliCommand): string[] {
  const built = c.options(c.captures ? withCaptureOptions(yargs([])) : yargs([]));
  // getOptions() is on every yargs instance but not in its types; the pinned version has it,
  // and test/cli/error-table-mistakes.test.ts fails if a version drops it.
  const { key } = (
    built as unknown as { getOptions(): { key: Record<string, unknown> } }
  ).getOptions();
  const keys = Object.keys(key);
  return [...keys.filter((k) => !/[A-Z]/.test(k)), 'help', 'version'];
}

/**
 * The error for yargs' `msg` about `args`, or `undefined` when it is not about unknown
 * arguments.
 */
export function unknownArgumentsError(
  msg: string,
  c: { args: readonly string[]; commands: readonly CliCommand[] },
): UsageError | undefined {
  if (!/^Unknown arguments?: /.test(msg)) return undefined;
  const names = c.commands.map((x) => x.syntax[0]?.split(' ')[0] ?? '');
  const typed = c.args[0] ?? '';
  const command = c.commands[names.indexOf(typed)];
  if (typed.startsWith('-')) return undefined; // an option before any command: yargs' words
  if (!command) {
    const guess = nearest(typed, names);
    return new UsageError('QFH_USAGE', `unknown command "${typed}"`, {
      hint: guess ? `Did you mean \`qfh ${guess}\`? ${GENERIC}` : GENERIC,
    });
  }
  const given = c.args.filter((a) => a.startsWith('--')).map((a) => a.slice(2).split('=')[0] ?? '');
  const options = optionNames(command);
  const unknown = given.filter(
    (g) => !options.includes(g) && !options.includes(g.replace(/^no-/, '')),
  );
  if (unknown.length === 0) return undefined;
  const guesses = unknown.flatMap((u) => {
    const guess = nearest(u, options);
    return guess ? [`--${guess} for --${u}`] : [];
  });
  return new UsageError(
    'QFH_USAGE',
    `qfh ${typed} has no option ${unknown.map((u) => `--${u}`).join(', ')}`,
    {
      hint: `${guesses.length > 0 ? `Did you mean ${guesses.join(', ')}? ` : ''}\`qfh ${typed} --help\` lists its options.`,
    },
  );
}
