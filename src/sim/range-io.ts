/**
 * Reading, hashing and writing one command's sector range on the simulated storage, through
 * its bad-block map where it has one (NAND programmers skip bad blocks for program, read and
 * digest, so data moves on to the next good block and reads back from there).
 *
 * @module
 */
import { createHash } from 'node:crypto';
import type { DiskRange } from './firehose-disk.js';
import type { Storage } from './storage/storage.js';

/** Sectors read or hashed at a time (memory stays bounded on multi-GiB ranges). */
const CHUNK_BYTES = 1 << 20;

/** One command's range, with its map. */
export class RangeIO {
  constructor(
    private readonly storage: Storage,
    readonly range: DiskRange,
    /** Physical pages where the range meets a bad block; `undefined` when contiguous. */
    readonly pages: readonly number[] | undefined,
  ) {}

  private get chunk(): number {
    return Math.max(1, Math.floor(CHUNK_BYTES / this.storage.sectorSize));
  }

  /** `count` sectors from `at` sectors into the range. */
  read(at: number, count: number): Uint8Array {
    const { lun, start } = this.range;
    return this.pages
      ? this.storage.readPages(lun, this.pages.slice(at, at + count))
      : this.storage.read(lun, start + at, count);
  }

  /** Whole sectors at `at` sectors into the range. */
  write(at: number, data: Uint8Array): void {
    const size = this.storage.sectorSize;
    if (data.length === 0) return;
    const { lun, start } = this.range;
    if (!this.pages) {
      this.storage.write(lun, start + at, data);
      return;
    }
    for (let i = 0; i < data.length / size; i++)
      this.storage.write(lun, this.pages[at + i] ?? 0, data.subarray(i * size, (i + 1) * size));
  }

  /** SHA-256 of the range, upper-case hex, hashed straight from the storage pages (no copy). */
  digest(): string {
    const hash = createHash('sha256');
    const { lun, start, sectors } = this.range;
    if (!this.pages) for (const span of this.storage.spans(lun, start, sectors)) hash.update(span);
    else
      for (const page of this.pages)
        for (const span of this.storage.spans(lun, page, 1)) hash.update(span);
    return hash.digest('hex').toUpperCase();
  }

  /** The range as transfers of at most 1 MiB. */
  pieces(): Uint8Array[] {
    const out: Uint8Array[] = [];
    const n = this.range.sectors;
    for (let at = 0; at < n; at += this.chunk)
      out.push(this.read(at, Math.min(this.chunk, n - at)));
    return out;
  }
}

/**
 * A program in raw mode: whole sectors are stored as they arrive (memory stays bounded
 * however large the image); a partial sector waits until the rest of it comes.
 */
export class RawProgram {
  private received = 0;
  private stored = 0;
  private carry: Uint8Array = new Uint8Array(0);

  constructor(
    private readonly io: RangeIO,
    private readonly sectorSize: number,
  ) {}

  /** Bytes still expected. */
  get left(): number {
    return this.io.range.sectors * this.sectorSize - this.received;
  }

  /** The sector the next piece starts in. */
  get sector(): number {
    return this.io.range.start + this.stored;
  }

  /**
   * Stores `kept` of a piece of `offered` bytes; `kept` shorter than `offered` means power
   * was lost: the page being written is left half programmed.
   */
  store(kept: Uint8Array, offered: number): void {
    const size = this.sectorSize;
    this.received += offered;
    let data = kept;
    if (this.carry.length > 0 && this.carry.length + data.length >= size) {
      // Complete the waiting sector first, then store the rest in place (no copy of the piece).
      const first = new Uint8Array(size);
      first.set(this.carry);
      first.set(data.subarray(0, size - this.carry.length), this.carry.length);
      data = data.subarray(size - this.carry.length);
      this.carry = new Uint8Array(0);
      this.io.write(this.stored, first);
      this.stored++;
    }
    if (this.carry.length > 0) {
      const joined = new Uint8Array(this.carry.length + data.length);
      joined.set(this.carry);
      joined.set(data, this.carry.length);
      this.carry = joined;
    } else {
      const whole = data.length - (data.length % size);
      this.io.write(this.stored, data.subarray(0, whole));
      this.stored += whole / size;
      this.carry = data.slice(whole);
    }
    if (kept.length === offered || this.carry.length === 0) return;
    const page = this.io.read(this.stored, 1);
    page.set(this.carry);
    this.io.write(this.stored, page);
  }
}
