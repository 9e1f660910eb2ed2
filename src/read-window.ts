/**
 * Small positional reads served from a window of a larger read: a PBL asks for the
 * programmer 4 KiB at a time (69 requests for an SDX55 programmer, captures.md §1.3), and
 * a sparse image's chunk headers are 12 bytes each; a read of the source per request cost a
 * thread-pool round trip each.
 *
 * @module
 */

/**
 * Serves `read(position, length)` from a window of the source. A request that the current
 * window does not cover reads a new window starting at that request's position, at least
 * `windowBytes` long and never past `size`. Every request goes through the window, so a
 * source may hand out views of a buffer it reuses at its next read.
 *
 * @param size - the source's length in bytes
 * @param readAt - reads `length` bytes at `position` from the source
 * @param windowBytes - how much to read at least, at a time
 */
export function readWindow(
  size: number,
  readAt: (position: number, length: number) => Promise<Uint8Array>,
  windowBytes: number,
): (position: number, length: number) => Promise<Uint8Array> {
  let start = 0;
  let bytes: Uint8Array = new Uint8Array(0);
  return async (position, length) => {
    const wanted = Math.max(0, Math.min(length, size - position));
    if (wanted === 0) return new Uint8Array(0);
    if (position < start || position + wanted > start + bytes.length) {
      // Replaced only once read: a failed read leaves the old window as it was.
      const fresh = await readAt(
        position,
        Math.min(Math.max(wanted, windowBytes), size - position),
      );
      start = position;
      bytes = fresh;
    }
    return bytes.subarray(position - start, Math.min(bytes.length, position - start + wanted));
  };
}
