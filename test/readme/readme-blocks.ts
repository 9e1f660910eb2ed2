/**
 * The README's shell blocks and what each command promises. Every ```sh block has, just
 * above it, a `<!-- readme-test` comment with one line per command of the block, in order:
 *
 *     exit 0, shows "a line that must appear", answers y
 *     not run: why (hardware only, a router, minutes of benchmark)
 *
 * A block without one, or with a line too many or too few, is an error: a command cannot be
 * added to the README without saying what it does or why it is not run.
 */

/** What one documented command must do. */
export type Expectation =
  | {
      readonly run: true;
      readonly exit: number;
      readonly shows: readonly string[];
      readonly answer?: string;
    }
  | { readonly run: false; readonly why: string };

/** One command of the README with its expectation. */
export interface DocumentedCommand {
  readonly line: number;
  readonly command: string;
  readonly expect: Expectation;
}

function parseExpectation(text: string, line: number): Expectation {
  const notRun = /^not run: (.+)$/.exec(text);
  if (notRun) return { run: false, why: notRun[1] ?? '' };
  const exit = /^exit (\d+)/.exec(text);
  if (!exit) throw new Error(`README.md:${line}: "${text}" is neither "exit N…" nor "not run: …"`);
  const shows = [...text.matchAll(/shows "([^"]+)"/g)].map((m) => m[1] ?? '');
  const answer = /answers (\w+)/.exec(text)?.[1];
  return { run: true, exit: Number(exit[1]), shows, ...(answer ? { answer } : {}) };
}

/** Every command of every ```sh block of `readme`, with its expectation. */
export function documentedCommands(readme: string): DocumentedCommand[] {
  const lines = readme.split('\n');
  const out: DocumentedCommand[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]?.trim() !== '```sh') continue;
    const end = lines.findIndex((l, j) => j > i && l.trim() === '```');
    const commands = lines
      .slice(i + 1, end)
      .map((text, k) => ({ line: i + 2 + k, command: text.replace(/\s+#\s.*$/, '').trim() }))
      .filter((c) => c.command !== '' && !c.command.startsWith('#'));
    const close = lines.slice(0, i).findLastIndex((l) => l.trim() !== '');
    const open = lines.slice(0, i).findLastIndex((l) => l.trim() === '<!-- readme-test');
    if (lines[close]?.trim() !== '-->' || open < 0)
      throw new Error(`README.md:${i + 1}: a shell block with no <!-- readme-test --> above it`);
    const said = lines.slice(open + 1, close).map((l) => l.trim());
    if (said.length !== commands.length)
      throw new Error(
        `README.md:${i + 1}: ${commands.length} commands, ${said.length} expectations above them`,
      );
    commands.forEach((c, k) =>
      out.push({ ...c, expect: parseExpectation(said[k] ?? '', open + 2 + k) }),
    );
    i = end;
  }
  return out;
}
