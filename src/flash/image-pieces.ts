/**
 * An image on its way to the device: read into a small ring of reused buffers, one piece
 * ahead of the piece being sent, and hashed (when it will be verified) while it is sent: on
 * the hashing thread for large images, so reading, hashing and the transfer overlap instead
 * of adding up. Memory is the ring (2 MiB; 8 MiB when hashed on the thread), whatever the
 * image's size.
 *
 * @module
 */
import type { PackageSource } from '../package/package-source.js';
import type { DataSource } from '../plan/types.js';
import { updateRepeated, type Sha256Factory } from '../sha256.js';
import { sourceFiller } from './data-source.js';
import type { FlashRuntime, PieceHasher } from './flash-runtime.js';

const PIECE = 1 << 20;
/**
 * Pieces of an image hashed on the thread are larger: fewer reads, messages and writes
 * (a 1 GiB verified flash over TCP: 1.15 → 1.06 CPU s/GiB with 4 MiB writes).
 */
const THREAD_PIECE = 4 << 20;
/**
 * Buffers in the ring: the piece being sent, which the hashing reads at the same time, and
 * the one read ahead. A third slot, to let the hashing lag a piece behind the send, cost
 * 4 MiB (memory.raw-1gib.verify 38.4 -> 34.3 MiB) and saved no CPU or time: 1 GiB verified
 * flashes onto the bench's simulator server, ten of each alternating, medians 1.17 and
 * 1.18 CPU s/GiB, 1.91 and 1.94 s, with two and with three slots.
 */
const SLOTS_HASHED = 2;
const SLOTS_PLAIN = 2;
/** Smaller images are hashed on the main thread: handing them over would cost more than it saves. */
const THREAD_MIN_BYTES = 8 << 20;

/** An image's bytes, and their digest. */
export interface ImagePieces {
  /** The bytes in order, in pieces; each piece is valid until the next is asked for. */
  pieces(): AsyncGenerator<Uint8Array>;
  /** SHA-256 (hex) of every piece, then `padding` zero bytes; once the pieces ended. */
  digest(padding: number): Promise<string>;
  /**
   * Gives up the digest (the transfer failed after its last piece): the hashing thread's
   * job and the buffers it still held are released. Nothing after a digest.
   */
  dispose(): void;
}

/** What to read and whether to hash it. */
export interface ImagePiecesOptions {
  /** Hash the bytes for a later comparison. */
  readonly hash: boolean;
  /** The image's size (picks the buffers and where it is hashed). */
  readonly bytes: number;
  /** Hashing, and the thread large images are hashed on where the runtime has one. */
  readonly runtime: FlashRuntime;
}

/**
 * Buffers of finished images, kept for the next (a sparse image is dozens of program ops;
 * a new ring per op left megabytes to the garbage collector each time). A few of each kind.
 */
const spare = new Map<string, ArrayBufferLike[]>();
const SPARE_MAX = SLOTS_HASHED;

function takeBuffer(size: number, shared: boolean): ArrayBufferLike {
  const reused = spare.get(`${shared ? 's' : 'p'}${size}`)?.pop();
  return reused ?? (shared ? new SharedArrayBuffer(size) : new ArrayBuffer(size));
}

function giveBack(buffers: readonly ArrayBufferLike[], shared: boolean): void {
  // Only the standard sizes come back: a small image's own size would rarely be asked for
  // again and would stay in the pool for the life of the process.
  const size = buffers[0]?.byteLength;
  if (size !== PIECE && size !== THREAD_PIECE) return;
  const key = `${shared ? 's' : 'p'}${size}`;
  const list = spare.get(key) ?? [];
  spare.set(key, list);
  for (const b of buffers) if (list.length < SPARE_MAX) list.push(b);
}

/** A hasher on this thread, for small images. */
function inlineHasher(views: readonly Uint8Array[], sha256: Sha256Factory): PieceHasher {
  const hash = sha256();
  return {
    update: (slot, length) => {
      hash.update((views[slot] as Uint8Array).subarray(0, length));
      return Promise.resolve();
    },
    digest: (padding) => {
      updateRepeated(hash, 0, padding);
      return Promise.resolve(hash.hex());
    },
    dispose: () => undefined,
  };
}

/** The bytes of `source` read from `files`, hashed if asked. */
export function imagePieces(
  source: DataSource,
  files: PackageSource,
  o: ImagePiecesOptions,
): ImagePieces {
  const onThread = o.runtime.hashOnThread;
  const threaded = o.hash && onThread !== undefined && o.bytes >= THREAD_MIN_BYTES;
  const size = Math.max(4, Math.min(threaded ? THREAD_PIECE : PIECE, Math.ceil(o.bytes / 4) * 4));
  let hasher: PieceHasher | undefined;
  let giveBackAfter: (() => void) | undefined;
  const slots = o.hash ? SLOTS_HASHED : SLOTS_PLAIN;
  async function* pieces(): AsyncGenerator<Uint8Array> {
    const buffers = Array.from({ length: slots }, () => takeBuffer(size, threaded));
    const views = buffers.map((b) => new Uint8Array(b));
    if (o.hash)
      hasher =
        (threaded ? onThread?.(buffers as SharedArrayBuffer[]) : undefined) ??
        inlineHasher(views, o.runtime.sha256);
    const filler = await sourceFiller(source, files);
    const hashed: Promise<void>[] = [];
    let next: Promise<number> = filler.fill(views[0] as Uint8Array);
    let finished = false;
    try {
      for (let slot = 0; ; slot = (slot + 1) % slots) {
        const n = await next;
        if (n === 0) break;
        if (hasher) {
          const done = hasher.update(slot, n);
          // A stopped hashing thread fails the digest (and the read that waits for this slot);
          // the last slots' promises are awaited by nobody, and Node ends a process on those.
          done.catch(() => undefined);
          hashed[slot] = done;
        }
        const following = (slot + 1) % slots;
        // The next piece is read while this one is sent; its buffer is reused once hashed.
        next = (async () => {
          await hashed[following];
          return filler.fill(views[following] as Uint8Array);
        })();
        next.catch(() => undefined); // its failure is thrown where it is awaited
        yield (views[slot] as Uint8Array).subarray(0, n);
      }
      finished = true;
    } finally {
      await next.catch(() => undefined);
      await filler.close();
      if (!finished) hasher?.dispose();
      // The hashing thread may still read them until the digest: only plain ones go back now,
      // and only after the last piece. A transport whose write failed may still hold the
      // piece (bytes queued in a socket, transfers in flight): another image refilling that
      // buffer, on this modem or the next, would change bytes it has yet to send.
      if (!threaded && finished) giveBack(buffers, false);
      else if (!finished) giveBackAfter = undefined;
      else giveBackAfter = () => giveBack(buffers, true);
    }
  }
  return {
    pieces,
    digest: async (padding) => {
      if (!hasher) throw new Error('imagePieces: no hash was asked for, or no piece was read');
      const digest = await hasher.digest(padding);
      giveBackAfter?.();
      giveBackAfter = undefined;
      return digest;
    },
    dispose: () => {
      hasher?.dispose();
      giveBackAfter?.();
      giveBackAfter = undefined;
    },
  };
}
