/**
 * Boots the guest under qemu with TCG (this machine's /dev/kvm hangs a stock kernel), the
 * host's root shared read-only over 9p and the results folder shared writable, and hands
 * each console line to the caller.
 */
import { spawn } from 'node:child_process';

/** Options for {@link bootGuest}. */
export interface BootOptions {
  readonly vmlinuz: string;
  readonly initramfs: string;
  /** Extra kernel command-line words (qfh.root=…). */
  readonly cmdline: readonly string[];
  /** Host folder the guest writes its results into. */
  readonly results: string;
  readonly memoryMiB: number;
  readonly cpus: number;
  readonly timeoutMs: number;
  onLine(line: string): void;
}

// Terminal control sequences SeaBIOS and the kernel print on the serial console.
// eslint-disable-next-line no-control-regex
const CONTROL = /\x1b\[[0-9;?]*[A-Za-z]|\x1bc|\r/g;

/** Runs the guest to its power-off; resolves with qemu's exit code, or 'timeout'. */
export async function bootGuest(o: BootOptions): Promise<number | 'timeout'> {
  const args = [
    ...[
      '-accel',
      'tcg,thread=multi',
      '-cpu',
      'max',
      '-smp',
      String(o.cpus),
      '-m',
      String(o.memoryMiB),
    ],
    ...['-display', 'none', '-monitor', 'none', '-serial', 'stdio', '-nodefaults', '-no-reboot'],
    ...['-kernel', o.vmlinuz, '-initrd', o.initramfs],
    ...['-append', ['console=ttyS0', 'quiet', 'panic=-1', ...o.cmdline].join(' ')],
    ...[
      '-virtfs',
      'local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap',
    ],
    ...['-virtfs', `local,path=${o.results},mount_tag=results,security_model=none`],
  ];
  const qemu = spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let partial = '';
  const take = (chunk: Buffer): void => {
    const text = partial + chunk.toString('utf8').replace(CONTROL, '');
    const lines = text.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) o.onLine(line);
  };
  qemu.stdout.on('data', take);
  qemu.stderr.on('data', take);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    qemu.kill('SIGKILL');
  }, o.timeoutMs);
  const code = await new Promise<number | null>((resolve) => qemu.on('exit', resolve));
  clearTimeout(timer);
  if (partial) o.onLine(partial);
  return timedOut ? 'timeout' : (code ?? -1);
}
