/**
 * A Firehose host that is not qfh, for tests that check the simulator against other hosts'
 * habits: it speaks to the fake `usb` module's endpoints directly, answers each READ_DATA
 * with exactly the bytes asked for (one transfer, no ZLP), and its Sahara and Firehose
 * codecs are written here from the formats, not taken from qfh.
 */
// node:assert, not vitest: the USB test machine's guest runs this host too.
import assert from 'node:assert/strict';
import { buildTestProgrammer, FakeUsb, type SimulatedModem } from '../../src/sim/index.js';
import type {
  UsbDeviceLike,
  UsbInEndpointLike,
  UsbOutEndpointLike,
} from '../../src/transport/usb-api.js';

/** The device's bulk endpoints, claimed. */
export function endpoints(device: UsbDeviceLike) {
  device.open();
  const iface = device.interfaces?.[0];
  if (!iface) throw new Error('no interface');
  if (iface.isKernelDriverActive()) iface.detachKernelDriver();
  iface.claim();
  const input = iface.endpoints.find((e) => e.direction === 'in') as UsbInEndpointLike;
  const output = iface.endpoints.find((e) => e.direction === 'out') as UsbOutEndpointLike;
  return {
    read: (n = 4096, timeoutMs = 5000): Promise<Buffer> =>
      new Promise((resolve, reject) => {
        input.timeout = timeoutMs;
        input.transfer(n, (e, d) => (e ? reject(e) : resolve(d ?? Buffer.alloc(0))));
      }),
    write: (b: Buffer): Promise<number> =>
      new Promise((resolve, reject) => {
        output.timeout = 5000;
        output.transfer(b, (e, n) => (e ? reject(e) : resolve(n)));
      }),
  };
}

/** A claimed device's transfers. */
export type Io = ReturnType<typeof endpoints>;

/** Sahara, as its packets are laid out: little-endian u32 command, u32 length, fields. */
function packet(command: number, fields: number[]): Buffer {
  const b = Buffer.alloc(8 + fields.length * 4);
  b.writeUInt32LE(command, 0);
  b.writeUInt32LE(b.length, 4);
  fields.forEach((f, i) => b.writeUInt32LE(f, 8 + i * 4));
  return b;
}

/** Uploads `programmer`, answering each read with exactly its bytes; returns the read lengths. */
export async function uploadExact(io: Io, programmer: Uint8Array): Promise<number[]> {
  const hello = await io.read();
  assert.equal(hello.readUInt32LE(0), 1, 'no HELLO');
  // HELLO_RESP: version 2, compatible 1, status 0, mode 0 (image transfer pending).
  await io.write(packet(2, [2, 1, 0, 0, 0, 0, 0, 0, 0, 0]));
  const lengths: number[] = [];
  for (;;) {
    const p = await io.read();
    const command = p.readUInt32LE(0);
    if (command === 3 || command === 0x12) {
      // READ_DATA (u32 image, offset, length) or READ_DATA_64 (u64 each).
      const offset = command === 3 ? p.readUInt32LE(12) : Number(p.readBigUInt64LE(16));
      const length = command === 3 ? p.readUInt32LE(16) : Number(p.readBigUInt64LE(24));
      lengths.push(length);
      await io.write(Buffer.from(programmer.subarray(offset, offset + length)));
      continue;
    }
    // END_IMAGE_TX, success
    assert.deepEqual({ command, status: p.readUInt32LE(12) }, { command: 4, status: 0 });
    await io.write(packet(5, [])); // DONE
    assert.equal((await io.read()).readUInt32LE(0), 6, 'no DONE_RESP');
    return lengths;
  }
}

/** Reads device transfers until one holds `<response`; returns all the text read. */
export async function untilResponse(io: Io): Promise<string> {
  let text = '';
  while (!/<response [^>]*>/.test(text.slice(text.lastIndexOf('<data>'))))
    text += (await io.read(1 << 20)).toString('latin1');
  return text;
}

export const xml = (body: string): Buffer =>
  Buffer.from(`<?xml version="1.0" encoding="UTF-8" ?><data>${body}</data>`);

/** `modem` behind the fake `usb` module with this host on it, the test programmer uploaded. */
export async function hostOn(
  modem: SimulatedModem,
): Promise<{ io: Io; usb: FakeUsb; lengths: number[] }> {
  const usb = new FakeUsb([modem]);
  const [device] = usb.getDeviceList();
  const io = endpoints(device as UsbDeviceLike);
  return { io, usb, lengths: await uploadExact(io, buildTestProgrammer()) };
}
