/**
 * Pulls exact byte counts out of an async iterable of chunks (a file stream, a socket),
 * keeping at most one source chunk plus one partial assembly in memory.
 *
 * @module
 */

/** Sequential reader over `AsyncIterable<Uint8Array>`. */
export class ByteReader {
  private readonly iterator: AsyncIterator<Uint8Array>;
  private current: Uint8Array = new Uint8Array(0);
  private position = 0;
  private ended = false;
  /** Bytes handed out so far. */
  consumed = 0;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  private async fill(): Promise<boolean> {
    while (this.position >= this.current.length) {
      if (this.ended) return false;
      const next = await this.iterator.next();
      if (next.done) {
        this.ended = true;
        return false;
      }
      this.current = next.value;
      this.position = 0;
    }
    return true;
  }

  /** Up to `max` bytes (at least 1), without copying when the source chunk holds them; `undefined` at the end. */
  async readUpTo(max: number): Promise<Uint8Array | undefined> {
    if (max <= 0 || !(await this.fill())) return undefined;
    const n = Math.min(max, this.current.length - this.position);
    const out = this.current.subarray(this.position, this.position + n);
    this.position += n;
    this.consumed += n;
    return out;
  }

  /** Exactly `n` bytes, or fewer if the source ends first (the caller decides what truncation means). */
  async read(n: number): Promise<Uint8Array> {
    const first = await this.readUpTo(n);
    if (!first || first.length === n) return first ?? new Uint8Array(0);
    const out = new Uint8Array(n);
    out.set(first);
    let have = first.length;
    while (have < n) {
      const more = await this.readUpTo(n - have);
      if (!more) return out.subarray(0, have);
      out.set(more, have);
      have += more.length;
    }
    return out;
  }

  /** Skips `n` bytes; returns how many were actually there. */
  async skip(n: number): Promise<number> {
    let left = n;
    while (left > 0) {
      const piece = await this.readUpTo(left);
      if (!piece) break;
      left -= piece.length;
    }
    return n - left;
  }

  /** Whether the source has no more bytes. */
  async atEnd(): Promise<boolean> {
    return !(await this.fill());
  }

  /** Stops the underlying source early (closes the file stream). */
  async close(): Promise<void> {
    await this.iterator.return?.();
  }
}
