/**
 * `npm run test:usb`: qfh's usb backend against the simulator through a real Linux USB stack.
 * Installs what it needs from Debian, boots the stock Debian kernel under qemu with the
 * checkout's own node and node_modules (the host's root, read-only, over 9p), runs the
 * guest cases (test/usb-vm/guest) and prints one line per case and a closing count.
 * Logs and usbmon captures land in `usb-vm-results/`; downloads and the initramfs are
 * cached in `$QFH_USB_VM_CACHE` (default `~/.cache/qfh-usb-vm`). Exits non-zero on failure.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureHostPackages, guestKernel } from './debian.js';
import { initramfs } from './initramfs.js';
import { bootGuest } from './qemu.js';

interface CaseRecord {
  readonly n: number;
  readonly name: string;
  readonly ok: boolean;
  readonly seconds: number;
  readonly detail: string;
}

const say = (line: string): void => void process.stdout.write(`${line}\n`);
const seconds = (from: number): string => ((performance.now() - from) / 1000).toFixed(1);

/** Where the checkout is: this file runs as dist-usb-vm/test/usb-vm/host/main.js. */
const ROOT = resolve(import.meta.dirname, '..', '..', '..', '..');

async function prepare(cache: string): Promise<{ vmlinuz: string; initramfs: string }> {
  const started = performance.now();
  const log = (m: string): void => say(`usb-vm: ${m}`);
  const installed = await ensureHostPackages(log);
  const afterPackages = performance.now();
  const kernel = await guestKernel(cache, log);
  const image = await initramfs(cache, kernel, join(ROOT, 'test/usb-vm/guest/init.sh'));
  say(
    `usb-vm: prepared in ${seconds(started)} s: packages ${installed.length ? `installed ${installed.join(' ')}` : 'present'} (${((afterPackages - started) / 1000).toFixed(1)} s), ${kernel.package} ${kernel.fetched ? 'fetched' : 'cached'}, initramfs ${image}`,
  );
  return { vmlinuz: kernel.vmlinuz, initramfs: image };
}

function caseLine(r: CaseRecord): string {
  return `${r.ok ? 'ok' : 'not ok'} ${r.n} - ${r.name} (${r.seconds.toFixed(1)} s): ${r.detail}`;
}

async function main(): Promise<number> {
  const started = performance.now();
  const cache =
    process.env['QFH_USB_VM_CACHE'] ??
    join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'qfh-usb-vm');
  const results = join(ROOT, 'usb-vm-results');
  await rm(results, { recursive: true, force: true });
  await mkdir(results, { recursive: true });
  await mkdir(cache, { recursive: true });
  const { vmlinuz, initramfs: image } = await prepare(cache);
  const console: string[] = [];
  const bootStarted = performance.now();
  let bootSeconds: string | undefined;
  const code = await bootGuest({
    vmlinuz,
    initramfs: image,
    cmdline: [
      // QFH_USB_VM_ONLY=a|b runs only the cases whose names contain a or b.
      `qfh.only=${(process.env['QFH_USB_VM_ONLY'] ?? '').replace(/\s/g, '_')}`,
      `qfh.root=${ROOT}`,
      `qfh.node=${process.execPath}`,
      `qfh.runner=${join(ROOT, 'dist-usb-vm/test/usb-vm/guest/run.js')}`,
    ],
    results,
    memoryMiB: 3072,
    cpus: 2,
    timeoutMs: Number(process.env['QFH_USB_VM_TIMEOUT_MS'] ?? 480_000),
    onLine: (line) => {
      console.push(line);
      if (line.startsWith('QFH-TEST ')) say(caseLine(JSON.parse(line.slice(9)) as CaseRecord));
      else if (line.startsWith('QFH-VM runner ')) {
        bootSeconds = seconds(bootStarted);
        say(
          `usb-vm: guest booted, runner started after ${bootSeconds} s (guest uptime ${line.split(' ')[2]} s)`,
        );
      } else if (/^QFH-VM (runner-error|insmod|no )|Kernel panic|Oops/.test(line))
        say(`usb-vm: ${line}`);
    },
  });
  await writeFile(join(results, 'console.log'), `${console.join('\n')}\n`);
  const summary = await readFile(join(results, 'summary.json'), 'utf8').then(
    (t) => JSON.parse(t) as CaseRecord[],
    () => undefined,
  );
  const passed = summary?.filter((r) => r.ok).length ?? 0;
  const total = summary?.length ?? 0;
  const caseSeconds = (summary ?? []).reduce((sum, r) => sum + r.seconds, 0);
  if (!summary || code !== 0) {
    say(
      `usb-vm: the guest ended ${code === 'timeout' ? 'by timeout' : `with qemu exit ${code}`}${summary ? '' : ' without a summary'}; last console lines:`,
    );
    for (const line of console.slice(-30)) say(`  | ${line}`);
  }
  say(
    `usb-vm: ${passed}/${total} passed; boot ${bootSeconds ?? '?'} s, cases ${caseSeconds.toFixed(1)} s, whole run ${seconds(started)} s (results in usb-vm-results/)`,
  );
  return summary && code === 0 && total > 0 && passed === total ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    say(`usb-vm: ${(e as Error).stack ?? String(e)}`);
    process.exit(1);
  },
);
