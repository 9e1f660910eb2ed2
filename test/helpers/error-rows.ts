/**
 * The user-error table's rows and how each is checked: the exit status, the code, one line
 * saying what happened, a hint that fits (never "a bug in qfh"), and, where the hint says
 * what to type instead, that command, built from the hint's own words, run and succeeding.
 */
import { expect, it } from 'vitest';
import { runCli } from './cli.js';

/** One mistake a person makes, and what qfh must answer. */
export type ErrorRow = {
  what: string;
  args: () => string[];
  code: string;
  exit: number;
  line: RegExp;
  hint?: RegExp;
  /** Not in the hint: advice for another situation. */
  notHint?: RegExp;
  /** Not anywhere in the output: what shows the modem was used after all. */
  absent?: RegExp;
  /** The command the hint (or the line) tells the user to run, read from the output; it must succeed. */
  fix?: (output: string) => string[];
};

/** One test per row. */
export function checkRows(rows: readonly ErrorRow[]): void {
  for (const row of rows)
    it(row.what, async () => {
      const { code, stdout, stderr } = await runCli(row.args());
      const text = stdout + stderr;
      expect(code, text).toBe(row.exit);
      expect(text).toContain(row.code);
      expect(text).toMatch(row.line);
      expect(text).not.toMatch(/This is a bug in qfh/);
      if (row.hint) expect(stderr).toMatch(row.hint);
      if (row.notHint) expect(stderr).not.toMatch(row.notHint);
      if (row.absent) expect(text).not.toMatch(row.absent);
      if (row.fix) {
        const fixed = await runCli(row.fix(text));
        expect(fixed.code, fixed.stdout + fixed.stderr).toBe(0);
      }
    });
}
