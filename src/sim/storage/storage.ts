/**
 * Storage models of the simulated modem. Every byte the host programs lands here and can
 * be exported for tests. Addressing is by physical partition (LUN) and sector, as
 * Firehose addresses it.
 *
 * - NAND: sectors are pages; erase works on whole blocks (pages × pagesPerBlock) and sets
 *   0xFF; programming can only clear bits (cells AND the new data), which is what happens
 *   when a page is programmed without an erase; bad blocks are skipped by erase and
 *   program, as the NAND programmer skips them. Spare (OOB) bytes are not modelled:
 *   Firehose never carries them.
 * - eMMC: 512-byte sectors, one LUN; UFS: 4096-byte sectors, LUNs 0–5. Erased reads 0x00.
 *
 * @module
 */
import { storageTraits, type StorageKind } from '../../storage-kind.js';
import { PagedMemory } from './paged-memory.js';

export type { StorageKind } from '../../storage-kind.js';

/** Shape of a storage device. */
export interface StorageGeometry {
  readonly kind: StorageKind;
  readonly sectorSize: number;
  /** Sectors of each LUN, index = physical partition number. */
  readonly lunSectors: readonly number[];
  /** NAND: pages per erase block. */
  readonly pagesPerBlock?: number;
  /** NAND: erase blocks that are bad (never erased or programmed). */
  readonly badBlocks?: readonly number[];
  /**
   * Count written bytes but keep none (reads return erased bytes): a sink for measuring the
   * host alone (benchmarks, dry runs). Verification cannot pass against it.
   */
  readonly discardWrites?: boolean;
}

/** The storage of one simulated device. */
export class Storage {
  private readonly luns: PagedMemory[];
  private readonly bad: ReadonlySet<number>;
  /** NAND pages programmed since their last erase, per LUN 0 (what "program without erase" means). */
  private readonly programmed = new Set<number>();

  constructor(readonly geometry: StorageGeometry) {
    const erased = storageTraits(geometry.kind).erasedByte;
    const page =
      geometry.kind === 'nand' ? geometry.sectorSize : Math.max(geometry.sectorSize, 64 * 1024);
    this.luns = geometry.lunSectors.map(
      (sectors) => new PagedMemory(sectors * geometry.sectorSize, page, erased),
    );
    this.bad = new Set(geometry.badBlocks ?? []);
  }

  get sectorSize(): number {
    return this.geometry.sectorSize;
  }

  /** Sectors of a LUN, or `undefined` if the LUN does not exist. */
  sectors(lun: number): number | undefined {
    return this.geometry.lunSectors[lun];
  }

  /** Bytes held in memory across all LUNs. */
  get allocatedBytes(): number {
    return this.luns.reduce((n, l) => n + l.allocatedBytes, 0);
  }

  private lun(lun: number): PagedMemory {
    const memory = this.luns[lun];
    if (!memory) throw new RangeError(`no LUN ${lun}`);
    return memory;
  }

  /** Whether NAND block `block` is bad. */
  isBadBlock(block: number): boolean {
    return this.bad.has(block);
  }

  /**
   * The physical pages a command starting at `start` for `count` pages uses when it skips bad
   * NAND blocks, as the NAND programmer does for program, read and digest (data moves on to
   * the next good block); `undefined` when the range meets no bad block (pages are
   * contiguous), `'past-end'` when skipping runs past the LUN.
   */
  skipBadBlocks(lun: number, start: number, count: number): number[] | 'past-end' | undefined {
    const ppb = this.geometry.pagesPerBlock;
    if (this.geometry.kind !== 'nand' || ppb === undefined || this.bad.size === 0) return undefined;
    const total = this.sectors(lun) ?? 0;
    const out: number[] = [];
    let skipped = false;
    for (let s = start; out.length < count; s++) {
      if (s >= total) return 'past-end';
      if (this.bad.has(Math.floor(s / ppb))) {
        skipped = true;
        s = (Math.floor(s / ppb) + 1) * ppb - 1;
        continue;
      }
      out.push(s);
    }
    return skipped ? out : undefined;
  }

  /** Reads the pages `pages` (physical), in order. */
  readPages(lun: number, pages: readonly number[]): Uint8Array {
    const size = this.sectorSize;
    const out = new Uint8Array(pages.length * size);
    pages.forEach((p, i) => out.set(this.read(lun, p, 1), i * size));
    return out;
  }

  /** Sectors as views into the storage, without copying (see {@link PagedMemory.spans}). */
  spans(lun: number, sector: number, count: number): Generator<Uint8Array> {
    return this.lun(lun).spans(sector * this.sectorSize, count * this.sectorSize);
  }

  /** Reads sectors (physical addressing). */
  read(lun: number, sector: number, count: number): Uint8Array {
    return this.lun(lun).read(sector * this.sectorSize, count * this.sectorSize);
  }

  /** Bytes written so far (counted even when discarded). */
  bytesWritten = 0;

  /** Writes whole sectors. NAND pages already programmed get their bits ANDed. */
  write(lun: number, sector: number, data: Uint8Array): void {
    const size = this.sectorSize;
    if (data.length % size !== 0)
      throw new RangeError(`write of ${data.length} bytes is not whole ${size}-byte sectors`);
    this.bytesWritten += data.length;
    if (this.geometry.discardWrites) {
      if (sector + data.length / size > (this.sectors(lun) ?? 0))
        throw new RangeError(`write past the end of LUN ${lun}`);
      return;
    }
    const memory = this.lun(lun);
    if (this.geometry.kind !== 'nand') {
      memory.write(sector * size, data);
      return;
    }
    for (let i = 0; i < data.length / size; i++) {
      const p = sector + i;
      // NAND cells only clear bits: a page programmed twice without an erase holds the AND.
      memory.write(
        p * size,
        data.subarray(i * size, (i + 1) * size),
        this.programmed.has(p) ? 'and' : 'replace',
      );
      this.programmed.add(p);
    }
  }

  /** Erases sectors (NAND: the caller checks block alignment; bad blocks are left alone). */
  erase(lun: number, sector: number, count: number): void {
    const memory = this.lun(lun);
    const ppb = this.geometry.pagesPerBlock;
    const inBadBlock = (s: number): boolean =>
      ppb !== undefined && this.bad.has(Math.floor(s / ppb));
    const clear = (s: number): void => {
      if (s >= sector && s < sector + count && !inBadBlock(s)) this.programmed.delete(s);
    };
    // Whichever is shorter: the pages programmed, or the range.
    if (this.programmed.size < count) for (const s of [...this.programmed]) clear(s);
    else for (let s = sector; s < sector + count; s++) clear(s);
    if (this.bad.size === 0 || ppb === undefined) {
      memory.erase(sector * this.sectorSize, count * this.sectorSize);
      return;
    }
    for (let block = Math.floor(sector / ppb); block * ppb < sector + count; block++) {
      if (!this.bad.has(block)) memory.erase(block * ppb * this.sectorSize, ppb * this.sectorSize);
    }
  }

  /** The memory behind a LUN, for dumping it without reading every byte. */
  memory(lun: number): PagedMemory {
    return this.lun(lun);
  }

  /** The whole LUN, or a sector range of it, for tests (small devices only). */
  export(lun = 0, sector = 0, count?: number): Uint8Array {
    const total = this.sectors(lun) ?? 0;
    return this.read(lun, sector, count ?? total - sector);
  }
}
