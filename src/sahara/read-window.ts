/**
 * Reads of the programmer served from a window of it. A PBL asks for the programmer 4 KiB
 * at a time (69 requests for an SDX55 programmer, captures.md §1.3), mostly in order with a
 * few jumps; a read of the source per request cost a thread-pool round trip each for a
 * programmer in a folder.
 *
 * @module
 */

/** Bytes read from the source at a time. */
const WINDOW_BYTES = 256 * 1024;

/**
 * Serves `read(position, length)` from a window of the source. A request that the current
 * window does not cover reads a new window starting at that request's position (never past
 * `size`); a request longer than the window goes straight to the source. Each returned piece
 * is a view of a window that is never written again, so a caller may keep it.
 *
 * @param size - the source's length in bytes
 * @param readAt - reads `length` bytes at `position` from the source
 * @param windowBytes - how much to read at a time
 */
export function readWindow(
  size: number,
  readAt: (position: number, length: number) => Promise<Uint8Array>,
  windowBytes = WINDOW_BYTES,
): (position: number, length: number) => Promise<Uint8Array> {
  let start = 0;
  let bytes: Uint8Array = new Uint8Array(0);
  return async (position, length) => {
    const wanted = Math.max(0, Math.min(length, size - position));
    if (wanted === 0) return new Uint8Array(0);
    if (position < start || position + wanted > start + bytes.length) {
      if (wanted > windowBytes) return readAt(position, wanted);
      // Replaced only once read: a failed read leaves the old window as it was. A copy, since
      // a source may hand out views of a buffer it reuses at its next read.
      const fresh = await readAt(position, Math.min(windowBytes, size - position));
      start = position;
      bytes = new Uint8Array(fresh.length);
      bytes.set(fresh);
    }
    return bytes.subarray(position - start, Math.min(bytes.length, position - start + wanted));
  };
}
