/* global process */
// `npm run readme:tables`: rewrites the error-code, accept-flag and --device tables in README.md (between
// their markers) from the code's own lists (dist/error-codes.js, dist/accept-flags.js), so the
// README documents exactly the codes and flags qfh has, and the bundle's size from the file the
// build made. test/release/readme-tables.test.ts fails when the README and the code disagree.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const load = (path) => import(pathToFileURL(join(root, path)).href);

const EXIT = { failure: 1, usage: 2, refused: 3, 'no-device': 4, declined: 5, interrupted: 130 };

/** The error-code table, markdown rows. */
export async function errorCodeTable() {
  const { ERROR_CODES } = await load('dist/error-codes.js');
  return [
    '| code | exit | meaning |',
    '|---|---|---|',
    ...Object.entries(ERROR_CODES).map(
      ([code, { meaning, outcome }]) => `| \`${code}\` | ${EXIT[outcome]} | ${meaning} |`,
    ),
  ].join('\n');
}

/** The accept-flag table, markdown rows. */
export async function acceptFlagTable() {
  const { ACCEPT_FLAG_RISKS } = await load('dist/accept-flags.js');
  return [
    '| flag | the risk it accepts |',
    '|---|---|',
    ...Object.entries(ACCEPT_FLAG_RISKS).map(([flag, risk]) => `| \`--${flag}\` | ${risk} |`),
    '| `--programmer FILE` | a programmer other than the package’s (checked as an ELF with a hash segment all the same) |',
  ].join('\n');
}

/** The --device spelling table, markdown rows. */
export async function deviceSpellingTable() {
  const { deviceSpellingTable: table } = await load('dist/cli/device-spellings.js');
  return table();
}

/** `text` with the part between `<!-- NAME:start -->` and `<!-- NAME:end -->` replaced. */
export function replaceBetween(text, name, body) {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`README.md lacks the ${name} markers`);
  return `${text.slice(0, a + start.length)}\n${body}\n${text.slice(b)}`;
}

/** The single-file bundle's size as the README states it (`npm run bundle` makes the file). */
export function bundleSize() {
  const bytes = statSync(join(root, 'dist/bundle/qfh.mjs')).size;
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/**
 * `text` with the figure inside `<!-- fig:NAME -->…<!-- /fig -->` (within a line, so a
 * sentence can carry it) replaced by `value`.
 */
export function replaceFigure(text, name, value) {
  const start = `<!-- fig:${name} -->`;
  const a = text.indexOf(start);
  const b = text.indexOf('<!-- /fig -->', a);
  if (a < 0 || b < a || text.slice(a, b).includes('\n'))
    throw new Error(`README.md lacks the figure ${start}…<!-- /fig --> on one line`);
  return `${text.slice(0, a + start.length)}${value}${text.slice(b)}`;
}

/** The figure `replaceFigure` put under `name`. */
export function figure(text, name) {
  const start = `<!-- fig:${name} -->`;
  const a = text.indexOf(start);
  return a < 0 ? undefined : text.slice(a + start.length, text.indexOf('<!-- /fig -->', a));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const path = join(root, 'README.md');
  let text = readFileSync(path, 'utf8');
  text = replaceBetween(text, 'error-codes', await errorCodeTable());
  text = replaceBetween(text, 'accept-flags', await acceptFlagTable());
  text = replaceBetween(text, 'device-spellings', await deviceSpellingTable());
  text = replaceFigure(text, 'bundle-size', bundleSize());
  writeFileSync(path, text);
}
