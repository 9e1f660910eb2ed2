/**
 * Switches a Quectel module from normal mode to EDL (05c6:9008) through its DIAG port: the
 * 7-byte subsystem-dispatch frame (command 0x4B, subsystem 0x65, sub-command 0x0001, HDLC
 * FCS 0x0F54, 0x7E) that QFirehose, fwupd and qfenix send. Success is the module echoing
 * the frame exactly; then it reboots. Retried, since SDX55 modules need time
 * (research/modem.md §2.1).
 *
 * @module
 */
import { AtError, TransportClosedError, TransportTimeoutError } from '../errors.js';
import { PushbackReader } from '../transport/pushback-reader.js';
import type { Transport } from '../transport/transport.js';

/** The DIAG frame, sent as is (no leading 0x7E, nothing to escape). */
export const EDL_SWITCH_FRAME = Uint8Array.from([0x4b, 0x65, 0x01, 0x00, 0x54, 0x0f, 0x7e]);

/** Options for {@link switchToEdl}. */
export interface EdlSwitchOptions {
  /** @default 30 (QFirehose: "SDX55 require long time") */
  attempts?: number;
  /** Pause between attempts. @default 1000 */
  intervalMs?: number;
  onAttempt?: (attempt: number) => void;
}

/**
 * Sends the EDL frame until the module echoes it, or its DIAG port goes away after a frame was
 * sent (it rebooted before the echo was read); the caller then waits for 05c6:9008.
 */
export async function switchToEdl(diag: Transport, options: EdlSwitchOptions = {}): Promise<void> {
  const attempts = options.attempts ?? 30;
  const reader = new PushbackReader(diag, { chunk: 256 });
  // Drain what the DIAG port had queued, so the echo is not confused with old output.
  for (let i = 0; i < 100; i++) {
    try {
      await reader.readSome(20);
    } catch {
      break;
    }
  }
  let sent = false;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    options.onAttempt?.(attempt);
    try {
      await diag.write(EDL_SWITCH_FRAME, { timeoutMs: 1000 });
      sent = true;
      const echo = await reader.readExact(EDL_SWITCH_FRAME.length, 1000);
      if (echo.every((b, i) => b === EDL_SWITCH_FRAME[i])) return;
    } catch (e) {
      if (!(e instanceof TransportTimeoutError) && !(e instanceof TransportClosedError)) throw e;
      // The module reboots into EDL right after it echoes: on a slow host, or through a relay,
      // its port can go before the echo is read. The port gone after the frame is that reboot;
      // the caller's wait for 05c6:9008 tells whether it took.
      if (e instanceof TransportClosedError && sent) return;
      if (e instanceof TransportClosedError) break;
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 1000));
  }
  throw new AtError(
    'QFH_EDL_SWITCH_FAILED',
    `the modem did not echo the EDL switch frame in ${attempts} attempts`,
    {
      hint: 'Make sure this is the DIAG port (interface 0 on most Quectel modules; qfh list), stop ModemManager, and try again; or hold the module in EDL by hand.',
    },
  );
}
