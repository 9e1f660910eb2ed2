/**
 * The README documents exactly the error codes and accept flags qfh has: its two tables are
 * what `npm run readme:tables` makes from the code's own lists (a new code or flag without
 * its line fails here).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without declarations
import { acceptFlagTable, errorCodeTable } from '../../scripts/readme-tables.mjs';

const between = (text: string, name: string): string =>
  text.slice(
    text.indexOf(`<!-- ${name}:start -->`) + `<!-- ${name}:start -->`.length,
    text.indexOf(`<!-- ${name}:end -->`),
  );

describe('README tables', () => {
  it('list every error code with its exit status, and every accept flag with its risk', async () => {
    const readme = await readFile(join(import.meta.dirname, '../../README.md'), 'utf8');
    expect(between(readme, 'error-codes').trim()).toBe(((await errorCodeTable()) as string).trim());
    expect(between(readme, 'accept-flags').trim()).toBe(
      ((await acceptFlagTable()) as string).trim(),
    );
  });
});
