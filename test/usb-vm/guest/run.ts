/**
 * Entry point of the USB test machine's guest side (started by init.sh in the chroot): starts
 * udevd (libusb learns of hot-plugged devices only from its events), runs every case, writes
 * `summary.json` to the results share and exits non-zero if a case failed.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadUsbModule } from '../../../src/transport/usb.js';
import { runCases } from './harness.js';
import { CASES } from './cases/index.js';

async function startUdevd(): Promise<void> {
  const udevd = spawn('/lib/systemd/systemd-udevd', ['--daemon'], { stdio: 'inherit' });
  const code = await new Promise<number | null>((resolve) => udevd.on('exit', resolve));
  if (code !== 0) throw new Error(`systemd-udevd --daemon exited with ${code}`);
}

async function main(): Promise<number> {
  const rootAt = process.argv.indexOf('--root');
  const root = process.argv[rootAt + 1];
  const results = process.env['QFH_VM_RESULTS'];
  if (rootAt < 0 || !root || !results)
    throw new Error('usage: run.js --root CHECKOUT (QFH_VM_RESULTS set)');
  process.stdout.write(`QFH-VM runner ${(performance.now() / 1000).toFixed(2)}\n`);
  await startUdevd();
  const usb = await loadUsbModule();
  const only = process.argv[process.argv.indexOf('--only') + 1] ?? '';
  const wanted = only.replace(/_/g, ' ').split('|');
  const cases = CASES.filter((c) => wanted.some((w) => c.name.includes(w)));
  const outcome = await runCases(cases, { root, node: process.execPath, results, usb });
  await writeFile(join(results, 'summary.json'), `${JSON.stringify(outcome, null, 2)}\n`);
  return outcome.every((r) => r.ok) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stdout.write(`QFH-VM runner-error ${(e as Error).stack ?? String(e)}\n`);
    process.exit(2);
  },
);
