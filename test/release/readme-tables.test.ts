/**
 * The README documents exactly the error codes, accept flags and --device spellings qfh has,
 * and the size of the bundle the build made:
 * its tables are what `npm run readme:tables` makes from the code's own lists (a new code,
 * flag or spelling without its line fails here).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without declarations
import * as tables from '../../scripts/readme-tables.mjs';

const { acceptFlagTable, deviceSpellingTable, errorCodeTable } = tables as Record<
  'acceptFlagTable' | 'deviceSpellingTable' | 'errorCodeTable',
  () => Promise<string>
>;
const { bundleSize, figure } = tables as {
  bundleSize: () => string;
  figure: (text: string, name: string) => string | undefined;
};

const between = (text: string, name: string): string =>
  text.slice(
    text.indexOf(`<!-- ${name}:start -->`) + `<!-- ${name}:start -->`.length,
    text.indexOf(`<!-- ${name}:end -->`),
  );

describe('README tables', () => {
  it('list every error code with its exit status, and every accept flag with its risk', async () => {
    const readme = await readFile(join(import.meta.dirname, '../../README.md'), 'utf8');
    expect(between(readme, 'error-codes').trim()).toBe((await errorCodeTable()).trim());
    expect(between(readme, 'accept-flags').trim()).toBe((await acceptFlagTable()).trim());
    expect(between(readme, 'device-spellings').trim()).toBe((await deviceSpellingTable()).trim());
  });

  it('state the size of the bundle this build made', async () => {
    const readme = await readFile(join(import.meta.dirname, '../../README.md'), 'utf8');
    expect(figure(readme, 'bundle-size'), 'npm run readme:tables rewrites it').toBe(bundleSize());
  });
});
