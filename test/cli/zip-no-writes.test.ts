/**
 * The zip is read, never extracted: qfh runs under Node's permission model with writes
 * allowed only where it was asked to write (the update record), and TMPDIR pointed at an
 * empty folder that must stay empty. Any extraction, temp copy or cache would be denied
 * (ERR_ACCESS_DENIED) and fail the command.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildDemoPackage } from '../../src/sim/demo-package.js';
import { BIN } from '../helpers/cli.js';
import { zipFolder } from '../helpers/zip.js';

const NAME = 'EG25GGBR07A08M2G_30.006.30.006';
let work: string;
let zip: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'qfh-nowrite-'));
  const folder = await buildDemoPackage(join(work, 'src'), NAME);
  zip = join(work, `${NAME}.zip`);
  await zipFolder(folder, zip, { prefix: `${NAME}/${NAME}/` });
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** Runs the CLI allowed to write only under `writable` (nothing when undefined). */
async function confined(args: string[], writable: string | undefined) {
  const temp = await mkdtemp(join(work, 'tmp-'));
  const flags = ['--experimental-permission', '--allow-fs-read=*'];
  if (writable) flags.push(`--allow-fs-write=${writable}`);
  const result = await promisify(execFile)(process.execPath, [...flags, BIN, ...args], {
    cwd: work,
    env: { ...process.env, TMPDIR: temp, NODE_NO_WARNINGS: '1' },
    maxBuffer: 16 << 20,
  }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
  return { ...result, temp: await readdir(temp) };
}

it('plans a Quectel-shaped zip with no write allowed anywhere', async () => {
  const r = await confined(['plan', zip], undefined);
  expect(r.stderr).not.toMatch(/ERR_ACCESS_DENIED/);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/program/);
  expect(r.temp).toEqual([]);
});

it('flashes it from normal mode writing only the record it was asked for', async () => {
  const out = join(work, 'out');
  await mkdir(out);
  const record = join(out, 'record.json');
  const r = await confined(
    ['flash', zip, '--device', 'sim:eg25g:normal', '--yes', '--record', record],
    out,
  );
  expect(r.stderr).not.toMatch(/ERR_ACCESS_DENIED/);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/flashed|verified/i);
  expect(await readdir(out)).toEqual(['record.json']);
  expect(r.temp).toEqual([]);
}, 90_000); // the simulated EG25-G boots in its real ≈30 s after the update
