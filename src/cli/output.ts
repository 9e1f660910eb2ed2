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
