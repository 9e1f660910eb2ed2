/**
 * Sparse byte store: only pages that were written hold memory; every other byte reads as
 * the store's erased value (0xFF for NAND, 0x00 for eMMC/UFS). A 4 GiB device costs
 * nothing until it is written.
 *
 * @module
 */

/** Bytes of each block pages are cut from. */
const BLOCK_BYTES = 16 << 20;

/** Sparse memory of `size` bytes, in `pageSize` pages. */
export class PagedMemory {
  private readonly pages = new Map<number, Uint8Array>();
  /** One page of the erased value, shared by every span of unwritten bytes. */
  private erasedPage: Uint8Array | undefined;
  /** Pages are cut from large blocks: a GiB stored is 64 blocks, not 16384 separate buffers. */
  private block: ArrayBuffer | undefined;
  private blockUsed = 0;
  /** Pages freed by erases, reused before a new block is cut. */
  private readonly freePages: Uint8Array[] = [];

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
      const src = data.subarray(at - offset, at - offset + n);
      let page = this.pages.get(index);
      if (!page) {
        page = this.newPage(n === this.pageSize && mode === 'replace');
        this.pages.set(index, page);
      }
      if (mode === 'replace') page.set(src, within);
      else for (let i = 0; i < n; i++) page[within + i] = (page[within + i] ?? 0) & (src[i] ?? 0);
      at += n;
    }
  }

  /** A page for writing: erased, unless the caller overwrites all of it anyway. */
  private newPage(overwritten: boolean): Uint8Array {
    let page = this.freePages.pop();
    let clean = false;
    if (!page) {
      if (!this.block || this.blockUsed + this.pageSize > this.block.byteLength) {
        const size = Math.ceil(this.size / this.pageSize) * this.pageSize;
        this.block = new ArrayBuffer(Math.min(size, Math.max(this.pageSize, BLOCK_BYTES)));
        this.blockUsed = 0;
      }
      page = new Uint8Array(this.block, this.blockUsed, this.pageSize);
      this.blockUsed += this.pageSize;
      clean = this.erasedValue === 0; // new memory reads as zeros
    }
    if (!overwritten && !clean) page.fill(this.erasedValue);
    return page;
  }

  /**
   * Returns `length` bytes at `offset` to the erased value, freeing whole pages. Only pages
   * that hold memory are visited: erasing a 512 MiB NAND partition that holds little is
   * not 131072 steps.
   */
  erase(offset: number, length: number): void {
    this.check(offset, length);
    if (length === 0) return;
    const first = Math.floor(offset / this.pageSize);
    const last = Math.floor((offset + length - 1) / this.pageSize);
    const clear = (index: number): void => {
      const page = this.pages.get(index);
      if (!page || index < first || index > last) return;
      const base = index * this.pageSize;
      const from = Math.max(offset, base) - base;
      const to = Math.min(offset + length, base + this.pageSize) - base;
      if (to - from === this.pageSize) {
        this.pages.delete(index);
        this.freePages.push(page);
      } else page.fill(this.erasedValue, from, to);
    };
    // Whichever is shorter: the pages held, or the range.
    if (this.pages.size < last - first + 1)
      for (const index of [...this.pages.keys()]) clear(index);
    else for (let index = first; index <= last; index++) clear(index);
  }

  /** The pages that hold memory, as `[byte offset, page]`, in address order. */
  *pagesInUse(): Generator<[number, Uint8Array]> {
    for (const index of [...this.pages.keys()].sort((a, b) => a - b))
      yield [index * this.pageSize, this.pages.get(index) as Uint8Array];
  }

  /**
   * The range as views, in order, without copying: subarrays of the written pages, and of
   * one shared erased page where nothing was written (a digest of a multi-GiB range costs
   * no allocation). A view is valid until the memory is next written.
   */
  *spans(offset: number, length: number): Generator<Uint8Array> {
    this.check(offset, length);
    for (let at = offset; at < offset + length;) {
      const index = Math.floor(at / this.pageSize);
      const within = at - index * this.pageSize;
      const n = Math.min(this.pageSize - within, offset + length - at);
      const page = this.pages.get(index) ?? this.erased();
      yield page.subarray(within, within + n);
      at += n;
    }
  }

  private erased(): Uint8Array {
    this.erasedPage ??= new Uint8Array(this.pageSize).fill(this.erasedValue);
    return this.erasedPage;
  }

  /** Whether every byte in the range still holds the erased value. */
  isErased(offset: number, length: number): boolean {
    const erased = this.erased();
    for (const span of this.spans(offset, length))
      if (
        span.buffer !== erased.buffer &&
        !Buffer.from(span).equals(erased.subarray(0, span.length))
      )
        return false;
    return true;
  }
}
