/**
 * What the output-path check lets through: files that are there and writable (a character
 * device a shell hands over, an old capture), and a folder of update records that does not
 * exist yet, which the record writer then creates.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { checkOutputPaths } from '../../src/cli/output-paths.js';
import { saveUpdateRecord } from '../../src/cli/update-record.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'qfh-out-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

it('a file that exists and can be written passes: /dev/null, as a shell’s /dev/fd/N would', async () => {
  await expect(
    checkOutputPaths([{ path: '/dev/null', given: '--capture', kind: 'file' }]),
  ).resolves.toBeUndefined();
});

it('a folder that is not there yet passes, and the record writer creates it', async () => {
  const folder = join(work, 'records', 'today');
  await checkOutputPaths([{ path: folder, given: '--record', kind: 'folder' }]);
  expect(await saveUpdateRecord(join(folder, 'modem-1.json'), { ok: true })).toBe(true);
  expect(await readdir(folder)).toEqual(['modem-1.json']);
  expect(JSON.parse(await readFile(join(folder, 'modem-1.json'), 'utf8'))).toEqual({ ok: true });
});
