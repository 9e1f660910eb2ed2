/**
 * `qfh verify --before qfh-update-*.json`: the shell hands over every record in the folder;
 * the newest is compared with, by the time in qfh's names (the file's time for others), and
 * records of several modems (a fleet's, named by device) are refused instead of guessed.
 */
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { newestRecord } from '../../src/cli/commands/verify.js';

let dir = '';
const at = (name: string): string => join(dir, name);
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qfh-records-'));
  for (const name of [
    'qfh-update-2026-11-29T10-00-00-000Z.json',
    'qfh-update-2026-12-01T09-30-00-000Z.json',
    'qfh-update-2026-11-30T23-59-59-999Z.json',
    'old-copy.json',
    'qfh-update-2026-12-02T08-00-00-000Z-usb_1-1.4.json',
    'qfh-update-2026-12-03T08-00-00-000Z-usb_1-2.4.json',
  ])
    await writeFile(at(name), '{}');
  await utimes(at('old-copy.json'), new Date('2026-11-01'), new Date('2026-11-01'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

it('picks the newest by the time in the name, whatever order the shell gave', async () => {
  const names = [
    'qfh-update-2026-11-29T10-00-00-000Z.json',
    'qfh-update-2026-12-01T09-30-00-000Z.json',
    'qfh-update-2026-11-30T23-59-59-999Z.json',
  ].map(at);
  expect(await newestRecord(names)).toBe(names[1]);
  expect(await newestRecord([...names].reverse())).toBe(names[1]);
});

it('dates a record with no time in its name by the file, among named ones', async () => {
  const named = at('qfh-update-2026-11-29T10-00-00-000Z.json');
  expect(await newestRecord([at('old-copy.json'), named])).toBe(named);
  await utimes(at('old-copy.json'), new Date('2026-12-05'), new Date('2026-12-05'));
  expect(await newestRecord([named, at('old-copy.json')])).toBe(at('old-copy.json'));
});

it('refuses records of two modems, naming them, and a record it cannot read', async () => {
  const fleet = [
    at('qfh-update-2026-12-02T08-00-00-000Z-usb_1-1.4.json'),
    at('qfh-update-2026-12-03T08-00-00-000Z-usb_1-2.4.json'),
  ];
  await expect(newestRecord(fleet)).rejects.toMatchObject({
    code: 'QFH_USAGE',
    message: 'the 2 records given are of 2 different modems',
    hint: expect.stringContaining('usb_1-1.4.json'),
  });
  await expect(newestRecord([at('qfh-update-nothing.json')])).rejects.toMatchObject({
    code: 'QFH_INPUT_UNREADABLE',
  });
  expect(await newestRecord([])).toBeUndefined();
});
