/**
 * `npm run test:usb`: qfh's usb backend against the simulator through a real Linux USB stack.
 * Installs what it needs from Debian, boots the stock Debian kernel under qemu with the
 * checkout's own node and node_modules (the host's root, read-only, over 9p), runs the
 * guest cases (test/usb-vm/guest) and prints one line per case and a closing count.
 * Logs and usbmon captures land in `usb-vm-results/`; downloads and the initramfs are
 * cached in `$QFH_USB_VM_CACHE` (default `~/.cache/qfh-usb-vm`). Exits non-zero on failure.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
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

/**
 * Cases that run in a boot of their own: USB/IP's usbip-vudc has oopsed the Debian kernel
 * (vep_dequeue) on a loaded machine, and an oops there must not take the other cases with it.
 */
const OWN_BOOT = 'USB/IP';

/** A kernel oops on the console: its first line and what follows (the trace). */
const OOPS = /\b(Oops|BUG:|general protection fault|Kernel panic)/;

/** What one boot of the guest did. */
interface Boot {
  readonly code: number | 'timeout';
  readonly records: CaseRecord[];
  /** Cases the guest announced, by number. */
  readonly announced: Map<number, string>;
  /** Matching cases it left to another boot. */
  readonly deferred: number;
  /** The oops's console lines, if the kernel oopsed. */
  readonly oops: string[] | undefined;
  readonly bootSeconds: string | undefined;
  readonly console: string[];
}

async function boot(
  image: { vmlinuz: string; initramfs: string; results: string },
  filter: { only: string; skip: string },
): Promise<Boot> {
  const records: CaseRecord[] = [];
  const announced = new Map<number, string>();
  const console: string[] = [];
  let deferred = 0;
  let oopsAt = -1;
  let bootSeconds: string | undefined;
  const bootStarted = performance.now();
  const code = await bootGuest({
    vmlinuz: image.vmlinuz,
    initramfs: image.initramfs,
    cmdline: [
      // QFH_USB_VM_ONLY=a|b runs only the cases whose names contain a or b.
      `qfh.only=${filter.only.replace(/\s/g, '_')}`,
      `qfh.skip=${filter.skip.replace(/\s/g, '_')}`,
      `qfh.root=${ROOT}`,
      `qfh.node=${process.execPath}`,
      `qfh.runner=${join(ROOT, 'dist-usb-vm/test/usb-vm/guest/run.js')}`,
    ],
    results: image.results,
    memoryMiB: 3072,
    cpus: 2,
    timeoutMs: Number(process.env['QFH_USB_VM_TIMEOUT_MS'] ?? 480_000),
    onLine: (line) => {
      console.push(line);
      const announce = /^QFH-VM case (\d+) (.*)$/.exec(line);
      if (announce) announced.set(Number(announce[1]), announce[2] ?? '');
      else if (line.startsWith('QFH-VM deferred ')) deferred = Number(line.split(' ')[2]);
      else if (line.startsWith('QFH-TEST ')) {
        const record = JSON.parse(line.slice(9)) as CaseRecord;
        records.push(record);
        say(caseLine(record));
      } else if (line.startsWith('QFH-VM runner ')) {
        bootSeconds = seconds(bootStarted);
        say(
          `usb-vm: guest booted, runner started after ${bootSeconds} s (guest uptime ${line.split(' ')[2]} s)`,
        );
      } else if (/^QFH-VM (runner-error|runner-exit [^0]|insmod|no )/.test(line))
        say(`usb-vm: ${line}`);
      if (oopsAt < 0 && OOPS.test(line)) {
        oopsAt = console.length - 1;
        say(`usb-vm: kernel: ${line}`);
      }
    },
  });
  const oops = oopsAt < 0 ? undefined : console.slice(oopsAt, oopsAt + 60);
  return { code, records, announced, deferred, oops, bootSeconds, console };
}

/** Announced cases that never reported: each a failure saying how the guest ended. */
function unreported(b: Boot): CaseRecord[] {
  const ended = b.oops
    ? `a kernel oops: ${b.oops[0] ?? ''}`
    : b.code === 'timeout'
      ? 'the guest timed out'
      : `the guest ended (qemu exit ${b.code})`;
  return [...b.announced]
    .filter(([n]) => !b.records.some((r) => r.n === n))
    .map(([n, name]) => ({ n, name, ok: false, seconds: 0, detail: `no result: ${ended}` }));
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
  const image = { ...(await prepare(cache)), results };
  const only = process.env['QFH_USB_VM_ONLY'] ?? '';
  const boots = [await boot(image, { only, skip: OWN_BOOT })];
  if ((boots[0]?.deferred ?? 0) > 0) {
    say(`usb-vm: the ${OWN_BOOT} case in a boot of its own`);
    boots.push(await boot(image, { only: OWN_BOOT, skip: '' }));
  }
  const [main, own] = boots as [Boot, Boot | undefined];
  await writeFile(join(results, 'console.log'), `${boots.flatMap((b) => b.console).join('\n')}\n`);
  return report({ main, own, results, started });
}

async function report(c: {
  main: Boot;
  own: Boot | undefined;
  results: string;
  started: number;
}): Promise<number> {
  const { main, own } = c;
  // In the own boot, an oops is the kernel's defect: reported with its trace, not failed.
  const kernels = own?.oops
    ? [...own.announced.keys()].filter((n) => !own.records.some((r) => r.n === n && r.ok))
    : [];
  const lost = [...unreported(main), ...(own && !own.oops ? unreported(own) : [])];
  for (const r of lost) say(caseLine(r));
  if (own?.oops) {
    await writeFile(join(c.results, 'kernel-oops.txt'), `${own.oops.join('\n')}\n`);
    say(
      `usb-vm: the kernel oopsed in the ${OWN_BOOT} boot (the kernel's defect, not qfh's): ${own.oops[0] ?? ''}; trace in usb-vm-results/kernel-oops.txt; case ${kernels.join(', ')} not counted`,
    );
  }
  const all = [...main.records, ...(own?.records ?? []), ...lost].filter(
    (r) => !kernels.includes(r.n),
  );
  await writeFile(join(c.results, 'summary.json'), `${JSON.stringify(all, null, 2)}\n`);
  // A boot that lost cases shows its console's end too, whatever qemu's exit code was.
  const badBoots = [main, ...(own && !own.oops ? [own] : [])].filter(
    (b) => b.code !== 0 || b.oops || unreported(b).length > 0,
  );
  for (const b of badBoots) {
    say(
      `usb-vm: a guest ended ${b.code === 'timeout' ? 'by timeout' : `with qemu exit ${b.code}`}${b.oops ? ' after a kernel oops' : ''}; last console lines:`,
    );
    for (const line of b.console.slice(-30)) say(`  | ${line}`);
  }
  const passed = all.filter((r) => r.ok).length;
  const caseSeconds = all.reduce((sum, r) => sum + r.seconds, 0);
  say(
    `usb-vm: ${passed}/${all.length} passed${kernels.length ? `, ${kernels.length} lost to a kernel oops` : ''}; boot ${main.bootSeconds ?? '?'} s, cases ${caseSeconds.toFixed(1)} s, whole run ${seconds(c.started)} s (results in usb-vm-results/)`,
  );
  return badBoots.length === 0 && all.length > 0 && passed === all.length ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    say(`usb-vm: ${(e as Error).stack ?? String(e)}`);
    process.exit(1);
  },
);
