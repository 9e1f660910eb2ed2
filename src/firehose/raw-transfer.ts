/**
 * The raw-mode data phase of `<program>` and `<read>`: image bytes cut into payloads of the
 * negotiated size (the last zero-padded to the size the command announced), and device
 * bytes handed on as they arrive. The phase is never interrupted by an AbortSignal: a
 * programmer left half-way through raw data is out of step, so stopping waits for its end.
 *
 * @module
 */
import { FirehoseError } from '../errors.js';
import type { Timeouts } from '../timeouts.js';
import type { ResponseReader } from './response-reader.js';

/** What a raw write needs. */
export interface RawWrite {
  /** Bytes the command announced (whole sectors). */
  readonly total: number;
  /** Negotiated MaxPayloadSizeToTargetInBytes. */
  readonly payload: number;
  readonly timeouts: Timeouts;
  /** Called after each write with the bytes sent so far. */
  readonly onBytes?: ((sent: number) => void) | undefined;
}

/** Zero padding written at a time on a byte stream. */
const PADDING_WRITE_BYTES = 1 << 20;

/**
 * Sends `data` (pieces of any size) as payloads, zero-padded to `w.total`. On a byte stream
 * (`Transport.byteStream`) each piece goes out whole, several payloads in one write: the
 * programmer reads payloads from the stream either way, and a write per 8 KiB payload
 * costs a promise, a timer and a syscall each.
 */
export async function writeRaw(
  reader: ResponseReader,
  data: AsyncIterable<Uint8Array>,
  w: RawWrite,
): Promise<void> {
  const transport = reader.transport;
  let sent = 0;
  const send = async (bytes: Uint8Array): Promise<void> => {
    await transport.write(bytes, { timeoutMs: w.timeouts.rawData });
    sent += bytes.length;
    w.onBytes?.(sent);
  };
  if (transport.byteStream) {
    for await (const piece of data) {
      checkLength(sent + piece.length, w.total);
      if (piece.length > 0) await send(piece);
    }
    const zeros = new Uint8Array(Math.min(PADDING_WRITE_BYTES, w.total - sent));
    while (sent < w.total) await send(zeros.subarray(0, Math.min(zeros.length, w.total - sent)));
    return;
  }
  await writePayloads(data, { ...w, send, sent: () => sent });
}

function checkLength(bytes: number, total: number): void {
  if (bytes > total)
    throw new FirehoseError(
      'QFH_FIREHOSE_UNEXPECTED',
      `image data is longer than the ${total} bytes the command announced`,
      { hint: 'This is a bug in the plan that sent it; nothing past the partition was written.' },
    );
}

/** One payload per write (USB: each payload one transfer, as programmers expect). */
async function writePayloads(
  data: AsyncIterable<Uint8Array>,
  w: RawWrite & { send: (bytes: Uint8Array) => Promise<void>; sent: () => number },
): Promise<void> {
  const { payload, send, sent } = w;
  // Only pieces that do not end on a payload boundary (and the padding) need it.
  let joined: Uint8Array | undefined;
  const buffer = (): Uint8Array => (joined ??= new Uint8Array(payload));
  let filled = 0;
  for await (const piece of data) {
    checkLength(sent() + filled + piece.length, w.total);
    let at = 0;
    // Whole payloads straight from the source's piece, no copy into the buffer.
    while (filled === 0 && piece.length - at >= payload) {
      await send(piece.subarray(at, at + payload));
      at += payload;
    }
    while (at < piece.length) {
      const n = Math.min(payload - filled, piece.length - at);
      buffer().set(piece.subarray(at, at + n), filled);
      filled += n;
      at += n;
      if (filled === payload) {
        await send(buffer());
        filled = 0;
      }
    }
  }
  // Zero-pad to the announced size (the last sector, or a shorter-than-partition image).
  while (sent() + filled < w.total) {
    const n = Math.min(payload - filled, w.total - sent() - filled);
    buffer().fill(0, filled, filled + n);
    filled += n;
    if (filled === payload || sent() + filled === w.total) {
      await send(buffer().subarray(0, filled));
      filled = 0;
    }
  }
  if (filled > 0) await send(buffer().subarray(0, filled));
}

/** Reads `total` raw bytes, handing each piece to `onData` as it arrives. */
export async function readRaw(
  reader: ResponseReader,
  total: number,
  o: {
    timeouts: Timeouts;
    readChunk: number;
    onData: (piece: Uint8Array) => void | Promise<void>;
  },
): Promise<void> {
  let left = total;
  while (left > 0) {
    let piece = reader.framer.takeRaw(left);
    if (!piece) {
      const got = await reader.transport.read(Math.min(left, o.readChunk), {
        timeoutMs: o.timeouts.rawData,
      });
      if (got.length === 0) continue;
      piece = got.length > left ? got.subarray(0, left) : got;
      if (got.length > left) reader.framer.push(got.subarray(left));
    }
    await o.onData(piece);
    left -= piece.length;
  }
}
