/**
 * Which of many sector extents overlap a given one, without comparing every pair: a
 * package with thousands of program lines is checked in O(n log n), not O(n²) (the
 * planning benchmark's 8000-line package spent most of its planning time in that loop).
 *
 * @module
 */

/** Sectors `[start, end)` on one LUN. */
export interface Extent {
  readonly lun: number;
  readonly start: number;
  readonly end: number;
}

interface Entry<T> {
  readonly key: string;
  readonly value: T;
  /** Position in the order the extents were given. */
  readonly order: number;
}

/** Extents by LUN, sorted by start, each with the furthest end reached so far. */
export class ExtentIndex<T extends Extent> {
  private readonly byLun = new Map<number, { entries: Entry<T>[]; reach: number[] }>();

  constructor(extents: Iterable<readonly [string, T]>) {
    const lists = new Map<number, Entry<T>[]>();
    let order = 0;
    for (const [key, value] of extents) {
      const list = lists.get(value.lun) ?? [];
      list.push({ key, value, order: order++ });
      lists.set(value.lun, list);
    }
    for (const [lun, entries] of lists) {
      entries.sort((a, b) => a.value.start - b.value.start);
      let furthest = -Infinity;
      const reach = entries.map((e) => (furthest = Math.max(furthest, e.value.end)));
      this.byLun.set(lun, { entries, reach });
    }
  }

  /** Every extent that shares a sector with `x`, in the order they were given. */
  overlapping(x: Extent): [string, T][] {
    const lun = this.byLun.get(x.lun);
    if (!lun) return [];
    const { entries, reach } = lun;
    // The first extent that starts at or after x's end: none from there on can overlap.
    let lo = 0;
    let hi = entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((entries[mid] as Entry<T>).value.start < x.end) lo = mid + 1;
      else hi = mid;
    }
    const hits: Entry<T>[] = [];
    // Before it, stop once no earlier extent reaches past x's start.
    for (let i = lo - 1; i >= 0 && (reach[i] as number) > x.start; i--) {
      const e = entries[i] as Entry<T>;
      if (e.value.end > x.start) hits.push(e);
    }
    return hits.sort((a, b) => a.order - b.order).map((e) => [e.key, e.value]);
  }
}
