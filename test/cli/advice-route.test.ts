/**
 * The advice after a failure names a command that works when run as printed: it repeats
 * how the device was reached and the request's own options (`--programmer`, accept flags).
 * Without them the advised command would upload the package's programmer instead, or be
 * refused for a risk the user had accepted.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it, onTestFinished } from 'vitest';
import { readPackage } from '../../src/package/open-package.js';
import { buildDemoPackage, serveModem, SimulatedModem } from '../../src/sim/index.js';
import { runCli } from '../helpers/cli.js';

it('repeats --device, --programmer and the accept flags in the command it advises', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'qfh-advice-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  const root = await buildDemoPackage(dir);
  const programmer = join(root, (await readPackage(root)).programmer ?? '');
  // The programmer NAKs its tenth command (a program, past the first erases): partly written.
  const modem = new SimulatedModem({ profile: 'eg25g', faults: { nakCommand: 10 } });
  const server = await serveModem(modem, '127.0.0.1', 0);
  onTestFinished(() => server.close());
  const device = `tcp://127.0.0.1:${server.port}`;
  const args = ['--device', device, '--programmer', programmer, '--allow-downgrade'];
  const { code, stderr } = await runCli(['flash', root, '--yes', ...args]);
  expect(code).toBe(1);
  const advised = /run:? qfh (\S.*)$/m.exec(stderr)?.[1];
  expect(advised).toBe(
    `${/partly written/.test(stderr) ? 'edl-recover' : 'flash'} ${root} ${args.join(' ')}`,
  );
});
