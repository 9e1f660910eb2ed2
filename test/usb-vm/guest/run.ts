/**
 * Entry point of the USB test machine's guest side (started by init.sh in the chroot): starts
 * udevd (libusb learns of hot-plugged devices only from its events), announces the cases it
 * will run (`QFH-VM case N NAME`, so the host knows which never reported if the guest dies)
 * and how many matching ones it leaves to another boot (`QFH-VM deferred N`), runs them,
 * writes `summary.json` to the results share and exits non-zero if a case failed.
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
  const words = (flag: string): string[] => {
    const at = process.argv.indexOf(flag);
    const text = at < 0 ? '' : (process.argv[at + 1] ?? '');
    return text
      .replace(/_/g, ' ')
      .split('|')
      .filter((w) => w !== '');
  };
  const [only, skip] = [words('--only'), words('--skip')];
  // Numbered by their place in CASES, so a case has the same number in whichever boot it runs.
  const wanted = CASES.map((c, i) => ({ c, n: i + 1 })).filter(
    ({ c }) => only.length === 0 || only.some((w) => c.name.includes(w)),
  );
  const cases = wanted.filter(({ c }) => !skip.some((w) => c.name.includes(w)));
  for (const { c, n } of cases) process.stdout.write(`QFH-VM case ${n} ${c.name}\n`);
  process.stdout.write(`QFH-VM deferred ${wanted.length - cases.length}\n`);
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
