/**
 * Failures met while reading a zip (zip.js's, the inflater's, the reader's), as qfh's zip
 * errors: one home for the mapping, so a new zip.js message lands in one table.
 *
 * @module
 */
import { QfhError, ZipError, type ZipCode } from '../errors.js';

/** zip.js's messages (its ERR_* constants) and the inflater's, by what they mean to a user. */
const RULES: readonly (readonly [RegExp, ZipCode])[] = [
  [/Unsafe filename/i, 'QFH_ZIP_PATH_ESCAPE'],
  [/Encrypt|password/i, 'QFH_ZIP_ENCRYPTED'],
  [/Compression method not supported|Zip64 is not supported|Split zip/i, 'QFH_ZIP_UNSUPPORTED'],
  [/Overlapping entry/i, 'QFH_ZIP_BOMB'],
  [
    /End of central directory not found|Central directory header not found|Entry data out of bounds|unexpected end|premature|truncated/i,
    'QFH_ZIP_TRUNCATED',
  ],
];

/**
 * `e` as one of qfh's zip errors, its message prefixed with `where` (the archive, the
 * entry); qfh's own errors of other families (a file that cannot be read) pass unchanged.
 */
export function zipErrorOf(e: unknown, where: string): QfhError {
  if (e instanceof QfhError) return e;
  const message = e instanceof Error ? e.message : String(e);
  const code = RULES.find(([pattern]) => pattern.test(message))?.[1] ?? 'QFH_ZIP_CORRUPT';
  return new ZipError(code, `${where}: ${message}`, { cause: e });
}
