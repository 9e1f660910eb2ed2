/**
 * `npm run test:readme`: every command in README.md's shell blocks is run as written, against
 * the stand-ins of `stand-ins.ts` (the simulator for a modem, the demo package for firmware),
 * and must exit and print what the comment above its block says; those that cannot run here
 * are listed with the reason the README gives. The count and that list end the run.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runDocumented } from './documented-command.js';
import { documentedCommands } from './readme-blocks.js';
import { prepareStandIns, standIn } from './stand-ins.js';

const root = join(import.meta.dirname, '../..');
const commands = documentedCommands(await readFile(join(root, 'README.md'), 'utf8'));
let dir = '';
let bin = '';
let ran = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qfh-readme-'));
  bin = await prepareStandIns(dir, { records: 2 });
}, 240_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  const skipped = commands.filter((c) => !c.expect.run);
  console.log(
    [
      `README: ${ran} of ${commands.length} commands run; ${skipped.length} not run here:`,
      ...skipped.map(
        (c) => `  README.md:${c.line} ${c.command}\n      (${c.expect.run ? '' : c.expect.why})`,
      ),
    ].join('\n'),
  );
});

it('every shell block of the README says what each of its commands does', () => {
  expect(commands.length).toBeGreaterThan(20);
});

for (const c of commands) {
  const e = c.expect;
  if (!e.run) continue;
  it(`README.md:${c.line} ${c.command}`, async () => {
    const command = standIn(c.command);
    const result = await runDocumented(command, {
      cwd: dir,
      bin,
      answer: e.answer,
      timeoutMs: 120_000,
    });
    ran++;
    expect({
      command,
      code: result.code,
      output: result.code === e.exit ? '' : result.output,
    }).toEqual({
      command,
      code: e.exit,
      output: '',
    });
    for (const line of e.shows) expect(result.output).toContain(line);
  }, 150_000);
}
