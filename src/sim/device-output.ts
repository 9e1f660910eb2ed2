/**
 * What the simulated device sends, in order. Transfers normally go out at once; a fault can
 * hold one back (a late configure answer, a ZLP that stalls after a raw-mode ACK), and then
 * everything the device sends after it waits behind it, as on a real bus. Persistent short
 * reads cut every transfer into small pieces.
 *
 * @module
 */
import type { SimLink } from './sim-transport.js';

const text = (t: Uint8Array): string =>
  Buffer.from(t.buffer, t.byteOffset, Math.min(t.byteLength, 400)).toString('latin1');

/** Whether a transfer is a Firehose `<response>`. */
export const isResponse = (t: Uint8Array): boolean => text(t).includes('<response');

/** Whether a transfer is a `rawmode="true"` ACK (raw data follows it). */
export const isRawModeTrue = (t: Uint8Array): boolean =>
  /<response[^>]*rawmode="true"/.test(text(t));

/** Options of one send. */
export interface SendOptions {
  /** Hold the transfers back this long first. */
  readonly delayMs?: number;
  /** After a rawmode="true" ACK, send a ZLP this many ms later. */
  readonly zlpStallMs?: number;
}

/** The device's ordered output on one link. */
export class DeviceOutput {
  private chain: Promise<void> = Promise.resolve();
  private held = 0;

  constructor(
    private readonly link: SimLink,
    private readonly shortReadBytes: number | undefined,
  ) {}

  /** Sends `transfers` (now, or after whatever is still held back). */
  send(transfers: readonly Uint8Array[], o: SendOptions = {}): void {
    if (this.held === 0 && !o.delayMs && !o.zlpStallMs) {
      this.push(transfers);
      return;
    }
    this.held++;
    this.chain = this.chain.then(async () => {
      if (o.delayMs) await sleep(o.delayMs);
      for (const t of transfers) {
        this.push([t]);
        if (o.zlpStallMs !== undefined && isRawModeTrue(t)) {
          await sleep(o.zlpStallMs);
          this.link.push(new Uint8Array(0));
        }
      }
      this.held--;
    });
  }

  private push(transfers: readonly Uint8Array[]): void {
    const max = this.shortReadBytes;
    for (const t of transfers) {
      if (max === undefined || t.length <= max) this.link.push(t);
      else for (let at = 0; at < t.length; at += max) this.link.push(t.subarray(at, at + max));
    }
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Moves each run of logs that precedes a response to just after it. Not past a
 * rawmode="true" ACK: raw data follows it, and a log there would corrupt any host's read.
 */
export function logsAfterResponses(transfers: readonly Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let logs: Uint8Array[] = [];
  for (const t of transfers) {
    if (isResponse(t) && !isRawModeTrue(t)) {
      out.push(t, ...logs);
      logs = [];
    } else if (text(t).includes('<log')) logs.push(t);
    else out.push(...logs.splice(0), t);
  }
  return [...out, ...logs];
}
