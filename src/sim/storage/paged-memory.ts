/**
 * Sparse byte store: only pages that were written hold memory; every other byte reads as
 * the store's erased value (0xFF for NAND, 0x00 for eMMC/UFS). A 4 GiB device costs
 * nothing until it is written.
 *
 * @module
 */

/** Sparse memory of `size` bytes, in `pageSize` pages. */
export class PagedMemory {
  private readonly pages = new Map<number, Uint8Array>();

  constructor(
    /** Total bytes addressable. */
    readonly size: number,
    /** Allocation granularity. */
    readonly pageSize: number,
    /** What unwritten bytes read as. */
    readonly erasedValue: number,
  ) {}

  /** Bytes actually allocated (for memory checks). */
  get allocatedBytes(): number {
    return this.pages.size * this.pageSize;
  }

  private check(offset: number, length: number): void {
    if (offset < 0 || length < 0 || offset + length > this.size)
      throw new RangeError(`bytes ${offset}..${offset + length} outside 0..${this.size}`);
  }

  /** Copies `length` bytes at `offset` out. */
  read(offset: number, length: number): Uint8Array {
    this.check(offset, length);
    const out = new Uint8Array(length).fill(this.erasedValue);
    for (let at = offset; at < offset + length;) {
      const index = Math.floor(at / this.pageSize);
      const within = at - index * this.pageSize;
      const n = Math.min(this.pageSize - within, offset + length - at);
      const page = this.pages.get(index);
      if (page) out.set(page.subarray(within, within + n), at - offset);
      at += n;
    }
    return out;
  }

  /** Stores `data` at `offset`, combining with what is there by `mode` (`and` is how NAND cells program). */
  write(offset: number, data: Uint8Array, mode: 'replace' | 'and' = 'replace'): void {
    this.check(offset, data.length);
    for (let at = offset; at < offset + data.length;) {
      const index = Math.floor(at / this.pageSize);
      const within = at - index * this.pageSize;
      const n = Math.min(this.pageSize - within, offset + data.length - at);
      let page = this.pages.get(index);
      if (!page) {
        page = new Uint8Array(this.pageSize).fill(this.erasedValue);
        this.pages.set(index, page);
      }
      const src = data.subarray(at - offset, at - offset + n);
      if (mode === 'replace') page.set(src, within);
      else for (let i = 0; i < n; i++) page[within + i] = (page[within + i] ?? 0) & (src[i] ?? 0);
      at += n;
    }
  }

  /** Returns `length` bytes at `offset` to the erased value, freeing whole pages. */
  erase(offset: number, length: number): void {
    this.check(offset, length);
    for (let at = offset; at < offset + length;) {
      const index = Math.floor(at / this.pageSize);
      const within = at - index * this.pageSize;
      const n = Math.min(this.pageSize - within, offset + length - at);
      if (n === this.pageSize) this.pages.delete(index);
      else this.pages.get(index)?.fill(this.erasedValue, within, within + n);
      at += n;
    }
  }

  /** The pages that hold memory, as `[byte offset, page]`, in address order. */
  *pagesInUse(): Generator<[number, Uint8Array]> {
    for (const index of [...this.pages.keys()].sort((a, b) => a - b))
      yield [index * this.pageSize, this.pages.get(index) as Uint8Array];
  }

  /** Whether every byte in the range still holds the erased value. */
  isErased(offset: number, length: number): boolean {
    return this.read(offset, length).every((b) => b === this.erasedValue);
  }
}
