/**
 * The arithmetic in rawprogram and patch attributes: `NUM_DISK_SECTORS-33.`,
 * `NUM_DISK_SECTORS-1`, `NUM_DISK_BLOCKS-1458.`, `(512*NUM_DISK_SECTORS)-16896.`,
 * `CRC32(NUM_DISK_SECTORS-33.,4096)`. A tokenizer and a recursive-descent parser build
 * an AST; evaluation is BigInt arithmetic over a context. Nothing is ever `eval`ed.
 *
 * Numbers: a trailing `.` marks decimal (ptool writes it for Trace32, where a bare `10`
 * would be hex). qfh reads bare numbers as decimal, as programmers and every peer tool do,
 * and marks a bare number of two or more digits in arithmetic `ambiguous` so callers can warn.
 *
 * @module
 */
import { ExpressionError } from '../errors.js';

/** Names an expression may use. */
export type ExpressionName = 'NUM_DISK_SECTORS' | 'NUM_DISK_BLOCKS';

/** Expression AST. */
export type Expr =
  | { readonly kind: 'number'; readonly value: bigint; readonly ambiguous: boolean }
  | { readonly kind: 'name'; readonly name: ExpressionName }
  | {
      readonly kind: 'binary';
      readonly op: '+' | '-' | '*' | '/';
      readonly left: Expr;
      readonly right: Expr;
    }
  | { readonly kind: 'negate'; readonly operand: Expr }
  | { readonly kind: 'crc32'; readonly start: Expr; readonly length: Expr };

/** What an expression is evaluated against. */
export interface ExpressionContext {
  readonly NUM_DISK_SECTORS?: bigint;
  readonly NUM_DISK_BLOCKS?: bigint;
  /** CRC of `length` bytes from sector `start` of the thing being patched. */
  readonly crc32?: (startSector: bigint, length: bigint) => bigint;
}

type Token =
  { kind: 'num'; text: string } | { kind: 'ident'; text: string } | { kind: 'op'; text: string };

/**
 * Real expressions are a few tokens (`CRC32(NUM_DISK_SECTORS-33.,92)`); these bounds keep a
 * hostile one from exhausting the stack of the recursive parser and evaluator.
 */
const MAX_TOKENS = 512;
const MAX_DEPTH = 64;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:(0[xX][0-9a-fA-F]+|\d+\.?)|([A-Za-z_][A-Za-z0-9_]*)|([-+*/(),]))/y;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m)
      throw new ExpressionError(
        'QFH_EXPRESSION_SYNTAX',
        `cannot read "${text}" at character ${at + 1} ("${text.slice(at, at + 8)}")`,
      );
    if (m[1] !== undefined) tokens.push({ kind: 'num', text: m[1] });
    else if (m[2] !== undefined) tokens.push({ kind: 'ident', text: m[2] });
    else tokens.push({ kind: 'op', text: m[3] ?? '' });
    at = re.lastIndex;
    if (tokens.length > MAX_TOKENS)
      throw new ExpressionError(
        'QFH_EXPRESSION_SYNTAX',
        `expression is longer than ${MAX_TOKENS} tokens; real ones are a few`,
      );
  }
  return tokens;
}

class Parser {
  private at = 0;
  private depth = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly source: string,
  ) {}

  parse(): Expr {
    const expr = this.sum();
    if (this.at < this.tokens.length) this.fail(`unexpected "${this.tokens[this.at]?.text}"`);
    return expr;
  }

  private fail(why: string): never {
    throw new ExpressionError('QFH_EXPRESSION_SYNTAX', `cannot parse "${this.source}": ${why}`);
  }

  private peek(text: string): boolean {
    const t = this.tokens[this.at];
    return t !== undefined && t.kind === 'op' && t.text === text;
  }

  private expect(text: string): void {
    if (!this.peek(text)) this.fail(`expected "${text}"`);
    this.at++;
  }

  private sum(): Expr {
    let left = this.product();
    while (this.peek('+') || this.peek('-')) {
      const op = this.tokens[this.at++]?.text as '+' | '-';
      left = { kind: 'binary', op, left, right: this.product() };
    }
    return left;
  }

  private product(): Expr {
    let left = this.unary();
    while (this.peek('*') || this.peek('/')) {
      const op = this.tokens[this.at++]?.text as '*' | '/';
      left = { kind: 'binary', op, left, right: this.unary() };
    }
    return left;
  }

  private unary(): Expr {
    if (++this.depth > MAX_DEPTH) this.fail(`nested deeper than ${MAX_DEPTH} levels`);
    try {
      return this.signed();
    } finally {
      this.depth--;
    }
  }

  private signed(): Expr {
    if (this.peek('-')) {
      this.at++;
      return { kind: 'negate', operand: this.unary() };
    }
    if (this.peek('+')) {
      this.at++;
      return this.unary();
    }
    return this.primary();
  }

  private primary(): Expr {
    const t = this.tokens[this.at];
    if (!t) return this.fail('unexpected end');
    this.at++;
    if (t.kind === 'num') {
      if (/^0[xX]/.test(t.text)) return { kind: 'number', value: BigInt(t.text), ambiguous: false };
      const decimalMarked = t.text.endsWith('.');
      const digits = decimalMarked ? t.text.slice(0, -1) : t.text;
      return {
        kind: 'number',
        value: BigInt(digits),
        ambiguous: !decimalMarked && digits.length > 1,
      };
    }
    if (t.kind === 'ident') {
      if (t.text === 'NUM_DISK_SECTORS' || t.text === 'NUM_DISK_BLOCKS')
        return { kind: 'name', name: t.text };
      if (t.text.toUpperCase() === 'CRC32') {
        this.expect('(');
        const start = settled(this.sum());
        this.expect(',');
        const length = settled(this.sum());
        this.expect(')');
        return { kind: 'crc32', start, length };
      }
      throw new ExpressionError(
        'QFH_EXPRESSION_UNKNOWN_NAME',
        `"${this.source}" uses "${t.text}", which qfh does not know (only NUM_DISK_SECTORS, NUM_DISK_BLOCKS and CRC32(start,len))`,
      );
    }
    if (t.text === '(') {
      const inner = this.sum();
      this.expect(')');
      return inner;
    }
    return this.fail(`unexpected "${t.text}"`);
  }
}

/**
 * Parses an attribute value into an expression.
 * @throws ExpressionError on anything that is not arithmetic over known names.
 */
export function parseExpression(text: string): Expr {
  const tokens = tokenize(text);
  if (tokens.length === 0) throw new ExpressionError('QFH_EXPRESSION_SYNTAX', 'empty expression');
  return settled(new Parser(tokens, text).parse());
}

/**
 * A lone number is decimal in every package ptool writes: as an attribute
 * (`start_sector="13952"`) and as an argument of CRC32 (`CRC32(0,4096)`, `CRC32(2,4096)`,
 * `CRC32(NUM_DISK_SECTORS-1.,92)`: a pair of 2 KiB pages and the GPT header's 92 bytes, never
 * read as hex). Only operands of arithmetic are ambiguous.
 */
function settled(expr: Expr): Expr {
  return expr.kind === 'number' ? { ...expr, ambiguous: false } : expr;
}

/**
 * Evaluates `expr`, negative results included (the plan refuses a negative place with the
 * line it came from, which says more than a failed evaluation).
 */
export function evaluateSigned(expr: Expr, context: ExpressionContext): bigint {
  return evaluate(expr, context);
}

/** Evaluates `expr`. Division truncates toward zero; results must not be negative. */
export function evaluateExpression(expr: Expr, context: ExpressionContext): bigint {
  const value = evaluate(expr, context);
  if (value < 0n)
    throw new ExpressionError(
      'QFH_EXPRESSION_RANGE',
      `expression evaluates to ${value}, which is negative`,
    );
  return value;
}

function evaluate(expr: Expr, context: ExpressionContext): bigint {
  switch (expr.kind) {
    case 'number':
      return expr.value;
    case 'name': {
      const value = context[expr.name];
      if (value === undefined) {
        throw new ExpressionError(
          'QFH_EXPRESSION_UNKNOWN_NAME',
          `${expr.name} is not known yet: it comes from the device's storage info`,
          {
            hint: 'Connect the device (qfh reads the disk size with getstorageinfo) or pass the disk size explicitly.',
          },
        );
      }
      return value;
    }
    case 'negate':
      return -evaluate(expr.operand, context);
    case 'binary': {
      const l = evaluate(expr.left, context);
      const r = evaluate(expr.right, context);
      if (expr.op === '+') return l + r;
      if (expr.op === '-') return l - r;
      if (expr.op === '*') return l * r;
      if (r === 0n) throw new ExpressionError('QFH_EXPRESSION_RANGE', 'division by zero');
      return l / r;
    }
    case 'crc32': {
      if (!context.crc32)
        throw new ExpressionError(
          'QFH_EXPRESSION_UNKNOWN_NAME',
          'CRC32(...) needs the bytes it covers, which are not available here',
        );
      return context.crc32(
        evaluateExpression(expr.start, context),
        evaluateExpression(expr.length, context),
      );
    }
  }
}

/** Names and functions an expression depends on. */
export function expressionNeeds(expr: Expr): {
  names: Set<ExpressionName>;
  crc32: boolean;
  ambiguous: boolean;
} {
  const out = { names: new Set<ExpressionName>(), crc32: false, ambiguous: false };
  const walk = (e: Expr): void => {
    if (e.kind === 'name') out.names.add(e.name);
    else if (e.kind === 'number') out.ambiguous ||= e.ambiguous;
    else if (e.kind === 'negate') walk(e.operand);
    else if (e.kind === 'binary') {
      walk(e.left);
      walk(e.right);
    } else {
      out.crc32 = true;
      walk(e.start);
      walk(e.length);
    }
  };
  walk(expr);
  return out;
}

/** Whether a value is a plain decimal (possibly with the trailing dot), needing no context. */
export function isPlainNumber(text: string): boolean {
  return /^\s*\d+\.?\s*$/.test(text);
}
