/**
 * A usbmon capture of one bus with Debian's tcpdump (libpcap reads /dev/usbmonN through
 * the binary mmap interface and writes pcap with LINKTYPE_USB_LINUX_MMAPPED, 220).
 */
import { spawn } from 'node:child_process';

/** A running capture. */
export interface Capture {
  /** Stops tcpdump; resolves with its own packet counts. */
  stop(): Promise<{ captured: number; dropped: number }>;
}

/** Starts capturing bus `bus` into `file`; resolves once tcpdump is listening. */
export async function startCapture(bus: number, file: string): Promise<Capture> {
  const child = spawn(
    'tcpdump',
    [
      '-i',
      `usbmon${bus}`,
      '-w',
      file,
      '-U',
      '-Z',
      'root',
      '--immediate-mode',
      '-s',
      '0',
      '-B',
      '32768',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const end = Date.now() + 20_000;
  while (!/listening on/.test(stderr)) {
    if (child.exitCode !== null || Date.now() > end)
      throw new Error(`tcpdump did not start: ${stderr.trim()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    stop: async () => {
      // Let the last completions reach the ring before stopping.
      await new Promise((r) => setTimeout(r, 300));
      child.kill('SIGINT');
      await exited;
      const count = (what: RegExp): number => Number(what.exec(stderr)?.[1] ?? NaN);
      return {
        captured: count(/(\d+) packets? captured/),
        dropped: count(/(\d+) packets? dropped by kernel/),
      };
    },
  };
}
