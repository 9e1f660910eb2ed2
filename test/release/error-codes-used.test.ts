/**
 * Every code of the closed set (`src/error-codes.ts`, the README's table) is one qfh can
 * produce: a documented code nothing raises is a promise a caller switches on in vain. A
 * code counts as used where the source names it outside the code table and outside the
 * union types that only list it.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/error-codes.js';

const SRC = join(import.meta.dirname, '../../src');

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sources(path)));
    else if (entry.name.endsWith('.ts') && entry.name !== 'error-codes.ts') out.push(path);
  }
  return out;
}

/** Source lines, less those of a union type that lists codes (`| 'QFH_…'`, `= 'QFH_…' | …`). */
async function usingLines(): Promise<string> {
  const lines: string[] = [];
  for (const file of await sources(SRC))
    for (const line of (await readFile(file, 'utf8')).split('\n'))
      if (!/^\s*\|\s*'QFH_/.test(line) && !/^export type \w+ = 'QFH_/.test(line)) lines.push(line);
  return lines.join('\n');
}

it('every documented error code is raised somewhere in src/', async () => {
  const text = await usingLines();
  const unused = Object.keys(ERROR_CODES).filter(
    (code) => !text.includes(`'${code}'`) && !text.includes(`"${code}"`),
  );
  expect(unused).toEqual([]);
});
