/**
 * Where the CLI writes. Injected so tests can capture output and `main()` never touches
 * `process` streams directly.
 *
 * @module
 */

/** Text sinks for the CLI. */
export interface CliOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** The process's streams. */
export const processOutput: CliOutput = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

/**
 * Text as a terminal may safely show it. Much of what qfh prints comes from outside: a
 * device server's busy line, the relay's status, a programmer's log lines, partition labels
 * and file names from a package. Escape sequences in them could retitle the window, hide or
 * rewrite lines, or, on some terminals, do more. Control characters other than newline and
 * tab are shown as `\xNN` (a CR before a newline is dropped, as a terminal would show it).
 */
export function terminalSafe(text: string): string {
  return text.replace(/\r\n/g, '\n').replace(
    // eslint-disable-next-line no-control-regex -- control characters are what this finds
    /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

/** `out`, with everything written through {@link terminalSafe}. */
export function terminalSafeOutput(out: CliOutput): CliOutput {
  return {
    stdout: (t) => out.stdout(terminalSafe(t)),
    stderr: (t) => out.stderr(terminalSafe(t)),
  };
}
