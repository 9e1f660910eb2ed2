/**
 * The function list a programmer announces (pure). Two real forms exist (captures.md §1.4,
 * §1.5): SDX programmers send `Supported Functions (15):`, one function per log line, and
 * `End of supported functions 15`; the 9x07 programmer sends one line,
 * `Supported Functions: program configure power … ` (trailing space).
 *
 * @module
 */

const bare = (line: string): string => line.replace(/^INFO:\s*/, '').trim();

/** Whether `line` ends a function list (either form). */
export function endsFunctionList(line: string): boolean {
  const l = bare(line);
  return /^End of supported functions/.test(l) || /^Supported Functions:/.test(l);
}

/** Follows log lines as they come and keeps the function list they announce. */
export class FunctionListReader {
  private readonly names = new Set<string>();
  private inList = false;
  private seenWhole = false;

  /** The functions named so far. */
  get functions(): ReadonlySet<string> {
    return this.names;
  }

  /** The list was seen whole (its end line, or the single-line form): absence means "not supported". */
  get complete(): boolean {
    return this.seenWhole;
  }

  /** Takes one log line. */
  push(raw: string): void {
    const line = bare(raw);
    const single = /^Supported Functions:\s*(.*)$/.exec(line);
    if (single) {
      for (const f of single[1]?.split(/\s+/) ?? []) if (f) this.names.add(f);
      this.seenWhole = true;
    } else if (/^Supported Functions \(\d+\):?$/.test(line)) this.inList = true;
    else if (/^End of supported functions/.test(line)) {
      this.inList = false;
      this.seenWhole = true;
    } else if (this.inList && /^\w+$/.test(line)) this.names.add(line);
  }
}

/** The functions named in `lines`, in either form. */
export function readFunctionList(lines: readonly string[]): FunctionListReader {
  const reader = new FunctionListReader();
  for (const line of lines) reader.push(line);
  return reader;
}
