/**
 * The examples `qfh inspect --help` shows run as shown, against the stand-ins (the demo
 * package for `./fw` and `./fw.zip`, a sparse image for `system.img`). The examples of the
 * other commands are not run yet: they need the simulator behind their device handles and a
 * way to mark those that need hardware (a router, a real bus).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inspectCommand } from '../../src/cli/commands/inspect.js';
import { runDocumented } from './documented-command.js';
import { prepareStandIns, standIn } from './stand-ins.js';

let dir = '';
let bin = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qfh-examples-'));
  bin = await prepareStandIns(dir, { records: false });
}, 120_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

for (const [example] of inspectCommand.examples ?? [])
  it(`qfh inspect --help: ${example}`, async () => {
    const result = await runDocumented(standIn(example), { cwd: dir, bin, timeoutMs: 60_000 });
    expect({ example, code: result.code, output: result.code === 0 ? '' : result.output }).toEqual({
      example,
      code: 0,
      output: '',
    });
  });
