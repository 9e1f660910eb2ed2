/**
 * Sequential reading of one zip entry, the only way a deflated entry can be read: inflate
 * from its first byte, skip forward by inflating and discarding, never go back (a read
 * behind the cursor needs a new cursor). Every byte that passes is counted and CRC-32
 * hashed; when the entry ends, its size and CRC must match the central directory, or the
 * read fails before the caller sees the end (so a flash stops before its next command).
 * Memory is the inflater's window and one stream chunk, whatever the entry's size.
 *
 * @module
 */
import { type QfhError, ZipError } from '../errors.js';
import { ByteReader } from '../sparse/byte-reader.js';
import type { ZipArchive, ZipEntryInfo } from './zip-archive.js';
import { zipErrorOf } from './zip-errors.js';

/** A forward-only reader of one entry. */
export class EntryCursor {
  /** Bytes of the entry consumed so far. */
  position = 0;
  private crc = 0;
  private reader: ByteReader | undefined;
  private verified = false;
  private failed: QfhError | undefined;
  private closed = false;
  /** The entry's last bytes, read ahead to check its CRC-32 and still to be handed out. */
  private held: { start: number; bytes: Uint8Array } | undefined;

  constructor(
    private readonly archive: ZipArchive,
    readonly entry: ZipEntryInfo,
  ) {}

  private where(): string {
    return `${this.archive.path}: ${this.entry.name}`;
  }

  /** Up to `max` bytes at the cursor; `undefined` at the end of the entry (checked). */
  private async pull(max: number): Promise<Uint8Array | undefined> {
    if (this.failed) throw this.failed;
    if (this.closed) throw new Error('read from a closed entry cursor');
    if (this.held) return this.fromHeld(this.held, max);
    try {
      this.reader ??= new ByteReader(await this.archive.openStream(this.entry));
      // At least one byte is asked for, even at the stated end: an entry that inflates on
      // past its header's size must show it here, not pass as a CRC mismatch or as whole.
      const piece = await this.reader.readUpTo(Math.max(max, 1));
      if (!piece) {
        this.checkEnd();
        return undefined;
      }
      this.position += piece.length;
      if (this.position > this.entry.size)
        throw new ZipError(
          'QFH_ZIP_BOMB',
          `${this.where()} inflates past the ${this.entry.size} bytes its header states`,
        );
      this.crc = this.archive.crc32(piece, this.crc) >>> 0;
      return piece;
    } catch (e) {
      this.failed = zipErrorOf(e, this.where());
      await this.close();
      throw this.failed;
    }
  }

  private fromHeld(
    held: { start: number; bytes: Uint8Array },
    max: number,
  ): Uint8Array | undefined {
    const at = this.position - held.start;
    if (at >= held.bytes.length) return undefined;
    const piece = held.bytes.subarray(at, at + max);
    this.position += piece.length;
    return piece;
  }

  private checkEnd(): void {
    if (this.verified) return;
    if (this.position !== this.entry.size)
      throw new ZipError(
        'QFH_ZIP_TRUNCATED',
        `${this.where()} ends after ${this.position} of its ${this.entry.size} bytes`,
      );
    if (this.crc >>> 0 !== this.entry.crc32 >>> 0)
      throw new ZipError(
        'QFH_ZIP_CRC_MISMATCH',
        `${this.where()} has CRC-32 ${hex(this.crc)}, the archive says ${hex(this.entry.crc32)}`,
      );
    this.verified = true;
  }

  /** Moves the cursor to `target` (≥ position), inflating and discarding what lies between. */
  async skipTo(target: number): Promise<void> {
    if (target < this.position) throw new Error('an entry cursor cannot move backwards');
    while (this.position < target) {
      const piece = await this.pull(Math.min(target - this.position, 1 << 20));
      if (!piece) break;
    }
    if (this.position < target)
      throw new ZipError('QFH_ZIP_TRUNCATED', `${this.where()} ends before byte ${target}`);
  }

  /** The next `length` bytes, in pieces (as the stream delivers them). */
  async *take(length: number): AsyncGenerator<Uint8Array> {
    let left = length;
    while (left > 0) {
      const piece = await this.pull(left);
      if (!piece)
        throw new ZipError(
          'QFH_ZIP_TRUNCATED',
          `${this.where()} ends ${left} bytes before the range asked for`,
        );
      left -= piece.length;
      yield piece;
    }
  }

  /** Reads the rest of the entry, so its size and CRC-32 are checked. */
  async finish(): Promise<void> {
    while (await this.pull(1 << 20));
    this.checkEnd();
  }

  /**
   * Reads the rest of the entry ahead (it must be small: it is held in memory) so its CRC-32
   * is checked now, and keeps it for the reads still to come.
   */
  async readAheadToEnd(): Promise<void> {
    if (this.held) return;
    const start = this.position;
    const bytes = new Uint8Array(this.entry.size - start);
    let at = 0;
    for (
      let piece = await this.pull(bytes.length);
      piece;
      piece = await this.pull(bytes.length - at)
    ) {
      bytes.set(piece, at);
      at += piece.length;
      if (at === bytes.length) break;
    }
    await this.finish();
    this.held = { start, bytes };
    this.position = start;
  }

  /** Whether the whole entry was read and matched its CRC-32. */
  get done(): boolean {
    return this.verified;
  }

  /** Whether the cursor can serve a read starting at `start`. */
  canReach(start: number): boolean {
    return this.failed === undefined && !this.closed && start >= this.position;
  }

  /** Stops reading (the file stream is closed). */
  async close(): Promise<void> {
    const reader = this.reader;
    this.reader = undefined;
    this.closed = true;
    await reader?.close().catch(() => undefined);
  }
}

const hex = (n: number): string => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
