/**
 * Ctrl-D at the flash's question, in a real terminal (`script(1)` gives the CLI one): the
 * end of input is a no. Before, readline's "Aborted with Ctrl+D" surfaced as QFH_INTERNAL,
 * "a bug in qfh", after the plan was shown and the modem opened.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it, onTestFinished } from 'vitest';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { runDocumented } from '../readme/documented-command.js';
import { prepareStandIns } from '../readme/stand-ins.js';

it('Ctrl-D at "Flash … [y/N]" declines: nothing sent, no internal error', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'qfh-eof-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  const bin = await prepareStandIns(dir, { records: 0 });
  const { code, output } = await runDocumented(
    'qfh flash ./EG25GGBR07A08M2G_30.006.30.006 --device sim:eg25g',
    { cwd: dir, bin, answer: 'ctrl-d', timeoutMs: 60_000 },
  );
  expect(output).toContain('[QFH_DECLINED]');
  expect(output).not.toContain('QFH_INTERNAL');
  expect(code).toBe(ExitCode.DECLINED);
}, 90_000);
