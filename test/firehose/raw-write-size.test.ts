import { expect, it } from 'vitest';
import { writeRaw } from '../../src/firehose/raw-transfer.js';
import { ResponseReader } from '../../src/firehose/response-reader.js';
import { timeoutsFor } from '../../src/timeouts.js';
import type { Transport } from '../../src/transport/transport.js';
import { bytesOf } from '../helpers/package-dir.js';

/** A transport that keeps every write, as a byte stream or as USB transfers. */
function recorder(byteStream: boolean): Transport & { writes: Uint8Array[] } {
  const writes: Uint8Array[] = [];
  return {
    description: 'recorder',
    writes,
    ...(byteStream ? { byteStream: true } : {}),
    read: () => Promise.reject(new Error('no reads in a raw write')),
    write: async (data) => void writes.push(data.slice()),
    close: async () => undefined,
  };
}

async function* pieces(data: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size);
}

it('sends each piece whole on a byte stream, one 8 KiB payload per write otherwise, the same bytes', async () => {
  const image = bytesOf(3 * (1 << 20) + 5000, 4);
  const total = Math.ceil(image.length / 4096) * 4096 + 8192; // a partition longer than the image
  const expected = new Uint8Array(total);
  expected.set(image);
  for (const byteStream of [true, false]) {
    const transport = recorder(byteStream);
    await writeRaw(new ResponseReader(transport, {}), pieces(image, 700_000), {
      total,
      payload: 8192,
      timeouts: timeoutsFor('nand'),
    });
    const sizes = transport.writes.map((w) => w.length);
    expect(Buffer.concat(transport.writes).equals(expected)).toBe(true);
    if (byteStream) {
      // Five pieces of the image as they came, then the zero padding in one write.
      expect(sizes.slice(0, 4)).toEqual([700_000, 700_000, 700_000, 700_000]);
      expect(sizes.length).toBe(6);
    } else {
      expect(sizes.slice(0, -1).every((n) => n === 8192)).toBe(true);
      expect(sizes.length).toBe(total / 8192);
    }
  }
});
