/**
 * `--json` is for scripts that must never guess: every line each command prints on stdout,
 * in success and in failure, is one object valid against schemas/qfh-events-1.schema.json
 * (the schema users get in the package), error codes are from the closed set, the last line
 * is the result and carries the exit status, and progress is throttled.
 */
import { readFileSync } from 'node:fs';
import { appendFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/error-codes.js';
import { buildDemoPackage } from '../../src/sim/index.js';
import { runCli } from '../helpers/cli.js';
import { writeDeltaZip } from '../helpers/zip.js';

const schema = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../schemas/qfh-events-1.schema.json'), 'utf8'),
) as object;
const ajv = new Ajv2020.default({ allErrors: true, strict: false });
addFormats.default(ajv);
const validate = ajv.compile(schema);

type Event = { event: string; exitCode?: number; error?: { code: string }; phase?: string };

/** Runs `args` with --json; checks every line; resolves to the events and the exit status. */
async function events(args: string[]): Promise<{ code: number; lines: Event[] }> {
  const { code, stdout } = await runCli([...args, '--json']);
  const lines = stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const parsed = JSON.parse(l) as Event;
      expect(validate(parsed), `${l}\n${ajv.errorsText(validate.errors)}`).toBe(true);
      return parsed;
    });
  expect(lines.at(-1)).toMatchObject({ event: 'result', exitCode: code });
  for (const l of lines) if (l.error) expect(Object.keys(ERROR_CODES)).toContain(l.error.code);
  return { code, lines };
}

let demo: string;
beforeAll(async () => {
  demo = await buildDemoPackage(await mkdtemp(join(tmpdir(), 'qfh-json-')));
}, 60_000);

describe('--json: one schema-valid object per line, for every command', () => {
  it('flash and edl-recover: plan, progress (throttled), report, result', async () => {
    const { code, lines } = await events(['flash', demo, '--device', 'sim:eg25g', '--yes']);
    expect(code).toBe(0);
    expect(lines.map((l) => l.event)).toEqual(
      expect.arrayContaining(['plan', 'progress', 'report']),
    );
    // 23 steps; about ten a second at most besides one per step boundary.
    expect(lines.filter((l) => l.event === 'progress').length).toBeLessThan(200);
    const again = await events(['edl-recover', demo, '--device', 'sim:eg25g', '--yes']);
    expect(again.code).toBe(0);
  });

  it('list, doctor, info, verify, backup, fota', async () => {
    for (const args of [
      ['list'],
      ['doctor'],
      ['info', '--device', 'sim:eg25g'],
      ['verify', '--device', 'sim:eg25g:normal'],
      [
        'backup',
        join(await mkdtemp(join(tmpdir(), 'qfh-json-bk-')), 'b'),
        '--device',
        'sim:eg25g',
        '--from',
        demo,
      ],
    ])
      expect((await events(args)).code).toBe(0);
    const delta = join(await mkdtemp(join(tmpdir(), 'qfh-json-fota-')), 'delta.zip');
    await writeDeltaZip(delta);
    const fota = await events(['fota', delta, '--device', 'sim:eg25g:normal']);
    expect(fota.code).toBe(0);
    expect(fota.lines.filter((l) => l.event === 'progress').length).toBeGreaterThan(1);
  });

  it('failures: a usage error, a refusal, a missing device, a missing answer', async () => {
    const usage = await events(['flash', '/no/such/package', '--device', 'sim:eg25g', '--yes']);
    expect(usage.code).toBe(2);
    const damaged = await buildDemoPackage(await mkdtemp(join(tmpdir(), 'qfh-json-bad-')));
    await appendFile(join(damaged, 'update/tz.mbn'), 'x');
    const refused = await events(['flash', damaged, '--device', 'sim:eg25g', '--yes']);
    expect(refused.code).toBe(3);
    expect(refused.lines.find((l) => l.event === 'error')?.error?.code).toBe('QFH_REFUSED');
    const profile = await events(['info', '--device', 'sim:nosuch']);
    expect(profile.code).toBe(2);
    // No terminal to ask on and no --yes: refused with one clear line, nothing flashed.
    const unasked = await events(['flash', demo, '--device', 'sim:eg25g']);
    expect(unasked.code).toBe(2);
  });
});
