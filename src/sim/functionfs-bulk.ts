/**
 * The two bulk endpoint loops of the FunctionFS device side: host → device (one read per
 * transfer, of the length the modem's read asks for: exact where a real target reads exact
 * lengths, otherwise a buffer that only a short packet or a ZLP ends early) and device → host (each transfer of the modem, then a ZLP when it ends on a
 * packet boundary). Both survive the host disabling the endpoints (ESHUTDOWN) and go on
 * once it enables them again.
 *
 * @module
 */
import { TransportClosedError, TransportTimeoutError } from '../errors.js';
import { isOffBus, readInto, writeAll } from './functionfs-files.js';
import type { SimLink } from './sim-transport.js';

/** Largest single endpoint read or write (FunctionFS allocates a kernel buffer this size). */
export const BULK_IO_BYTES = 1 << 20;

/** Transfers and zero-length packets seen on the bulk endpoints. */
export interface FunctionFsCounters {
  transfersFromHost: number;
  /**
   * Host transfers that ended with a ZLP: a read that returned whole packets short of the
   * buffer (only a ZLP ends those), or a read of nothing after one that filled the buffer.
   */
  zlpsFromHost: number;
  transfersToHost: number;
  /** Device transfers that ended on a packet boundary, each followed by a ZLP. */
  zlpsToHost: number;
}

/** What the loops read of the device's state. */
export interface BulkState {
  readonly closing: boolean;
  /** The host has configured the device (ENABLE seen, no DISABLE since). */
  readonly enabled: boolean;
  /** The attachment of the modem now on the bus, if any. */
  readonly link: SimLink | undefined;
  /** wMaxPacketSize of the bulk endpoints at the speed the host connected at. */
  readonly packet: number;
  readonly counters: FunctionFsCounters;
  /** An IN write is with the kernel now (the host has not taken it yet). */
  sending: boolean;
  /** Resolves at the next bus event or after `ms`. */
  nextChange(ms: number): Promise<void>;
}

/** Host → device, until the device closes. */
export async function pumpFromHost(state: BulkState, fd: number): Promise<void> {
  const buffer = Buffer.alloc(BULK_IO_BYTES);
  while (!state.closing) {
    if (!state.enabled) {
      await state.nextChange(200);
      continue;
    }
    const limit = Math.min(state.link?.readLength() ?? BULK_IO_BYTES, BULK_IO_BYTES);
    let got: number;
    try {
      got = await readInto(fd, buffer.subarray(0, limit));
    } catch (e) {
      if (!isOffBus(e)) throw e;
      await state.nextChange(50); // disabled under us: wait for the host, then read again
      continue;
    }
    if (got === 0) {
      state.counters.zlpsFromHost++;
      continue;
    }
    state.counters.transfersFromHost++;
    if (got % state.packet === 0 && got < limit) state.counters.zlpsFromHost++;
    const link = state.link;
    if (!link?.attached) continue;
    await link
      .write(Uint8Array.prototype.slice.call(buffer, 0, got), { timeoutMs: 60_000 })
      .catch((e: unknown) => {
        if (!(e instanceof TransportClosedError)) throw e;
      });
  }
}

/**
 * Device → host, until the device closes. What the modem sent before it left the bus (the
 * ACK of a reset) is still delivered while the gadget is bound.
 */
export async function pumpToHost(state: BulkState, fd: number): Promise<void> {
  while (!state.closing) {
    const link = state.link;
    if (!link || !state.enabled || (!link.attached && link.queued === 0)) {
      await state.nextChange(200);
      continue;
    }
    let transfer: Uint8Array;
    try {
      transfer = await link.read(2 ** 31 - 1, { timeoutMs: 1_000 });
    } catch (e) {
      if (e instanceof TransportClosedError || e instanceof TransportTimeoutError) continue;
      throw e;
    }
    for (let at = 0; at < transfer.length; at += BULK_IO_BYTES)
      await toHost(state, fd, link, transfer.subarray(at, at + BULK_IO_BYTES));
    const zlp = transfer.length % state.packet === 0;
    if (zlp) await toHost(state, fd, link, new Uint8Array(0));
    state.counters.transfersToHost++;
    if (zlp) state.counters.zlpsToHost++;
  }
}

/** One write to the IN endpoint, again after the host re-enables it; dropped once the device left the bus. */
async function toHost(
  state: BulkState,
  fd: number,
  link: SimLink,
  piece: Uint8Array,
): Promise<void> {
  while (!state.closing && link === state.link) {
    state.sending = true;
    try {
      await writeAll(fd, piece);
      return;
    } catch (e) {
      if (!isOffBus(e)) throw e;
      await state.nextChange(50);
    } finally {
      state.sending = false;
    }
  }
}
