/**
 * The answer to `<getstorageinfo>` (pure): programmers print it as one log line holding a
 * JSON object, `{"storage_info": {"total_blocks": …, "block_size": …, "page_size": …,
 * "num_physical": …, "mem_type": …}}` (edl.md §2.4).
 *
 * @module
 */

/** Storage facts from getstorageinfo. */
export interface StorageInfo {
  readonly totalBlocks: number;
  readonly blockSize: number;
  readonly pageSize: number;
  readonly numPhysical: number;
  readonly memType: string;
  readonly raw: Readonly<Record<string, unknown>>;
}

const positive = (v: unknown): number | undefined => {
  const n = Number(v);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
};

/** The first usable storage_info line of `logs`, or `undefined` when none is there. */
export function parseStorageInfo(logs: readonly string[]): StorageInfo | undefined {
  for (const line of logs) {
    const at = line.indexOf('{');
    if (at < 0 || !line.includes('storage_info')) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line.slice(at));
    } catch (e) {
      if (e instanceof SyntaxError) continue;
      throw e;
    }
    const s = (parsed as { storage_info?: unknown } | null)?.storage_info;
    if (typeof s !== 'object' || s === null) continue;
    const info = s as Record<string, unknown>;
    const totalBlocks = positive(info['total_blocks']);
    const blockSize = positive(info['block_size']);
    if (totalBlocks === undefined || blockSize === undefined) continue;
    return {
      totalBlocks,
      blockSize,
      pageSize: positive(info['page_size']) ?? blockSize,
      numPhysical: positive(info['num_physical']) ?? 1,
      memType: String(info['mem_type'] ?? ''),
      raw: info,
    };
  }
  return undefined;
}
