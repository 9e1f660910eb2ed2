/**
 * Reads exact byte counts from a {@link Transport} that promises nothing about transfer
 * boundaries, keeping whatever arrived beyond them for the next call (docs/ARCHITECTURE.md, Contracts).
 *
 * @module
 */
import { TransportTimeoutError } from '../errors.js';
import type { Transport } from './transport.js';

/** Options for {@link PushbackReader}. */
export interface PushbackReaderOptions {
  /** Largest single read asked of the transport. @default 1 MiB */
  readonly chunk?: number;
  /** Ends every wait early (the transport rejects the pending read). */
  readonly signal?: AbortSignal | undefined;
}

/** A pushback buffer in front of a transport. */
export class PushbackReader {
  private pending: Uint8Array = new Uint8Array(0);
  private readonly chunk: number;
  private readonly signal: AbortSignal | undefined;

  constructor(
    readonly transport: Transport,
    options: PushbackReaderOptions = {},
  ) {
    this.chunk = options.chunk ?? 1 << 20;
    this.signal = options.signal;
  }

  /** Bytes already received and not yet taken. */
  get buffered(): number {
    return this.pending.length;
  }

  /** Takes whatever is buffered (for the next layer to read first). */
  takeBuffered(): Uint8Array {
    const out = this.pending;
    this.pending = new Uint8Array(0);
    return out;
  }

  /** Puts bytes back in front. */
  unshift(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const joined = new Uint8Array(bytes.length + this.pending.length);
    joined.set(bytes);
    joined.set(this.pending, bytes.length);
    this.pending = joined;
  }

  /** Whatever is buffered, or the next non-empty read (ZLPs are skipped). */
  async readSome(timeoutMs: number): Promise<Uint8Array> {
    if (this.pending.length > 0) return this.takeBuffered();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0)
        throw new TransportTimeoutError(
          `${this.transport.description}: no data within ${timeoutMs} ms`,
        );
      const signal = this.signal;
      const data = await this.transport.read(this.chunk, {
        timeoutMs: left,
        ...(signal ? { signal } : {}),
      });
      if (data.length > 0) return data;
    }
  }

  /** Exactly `n` bytes within `timeoutMs` overall. */
  async readExact(n: number, timeoutMs: number): Promise<Uint8Array> {
    const deadline = Date.now() + timeoutMs;
    const out = new Uint8Array(n);
    let have = 0;
    while (have < n) {
      const left = deadline - Date.now();
      if (left <= 0)
        throw new TransportTimeoutError(
          `${this.transport.description}: ${have} of ${n} bytes within ${timeoutMs} ms`,
        );
      const piece = await this.readSome(left);
      const take = Math.min(piece.length, n - have);
      out.set(piece.subarray(0, take), have);
      have += take;
      if (take < piece.length) this.unshift(piece.subarray(take));
    }
    return out;
  }
}
