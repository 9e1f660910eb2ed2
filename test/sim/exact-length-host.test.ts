/**
 * A host that is not qfh, with the transfer habits of hosts written for real PBLs (qdl's):
 * each READ_DATA is answered with exactly the bytes asked for, in one transfer and never a
 * ZLP, and after `<configure ZlpAwareHost="0">` raw data goes out in payload-sized transfers,
 * the last one a multiple of 512 with no ZLP either. A real PBL reads exactly the length it
 * requested, and a programmer told ZlpAwareHost=0 reads exactly the bytes a `<program>`
 * announced, so neither waits for a ZLP; the simulator must not either. Its codecs are
 * written here from the Sahara and Firehose formats, not taken from qfh.
 */
import { expect, it } from 'vitest';
import { SimulatedModem } from '../../src/sim/index.js';
import { hostOn, type Io, untilResponse, xml } from '../helpers/independent-host.js';

const SECTOR = 512;

/** A modem in EDL with this test's host on its bulk endpoints, the programmer uploaded. */
async function uploaded() {
  const modem = new SimulatedModem({ profile: 'msm8953-emmc', timing: { protocol: 'instant' } });
  return { modem, ...(await hostOn(modem)) };
}

const PAYLOAD = 1 << 20;
const START = 4096;
/** 2.5 payloads: two full transfers and a last one of 0.5 MiB, all whole packets. */
const IMAGE = Buffer.alloc(PAYLOAD * 2 + PAYLOAD / 2);
for (let i = 0; i < IMAGE.length; i += 4) IMAGE.writeUInt32LE((i * 2654435761) >>> 0, i);

/** `<configure>` with `zlpAwareHost`, then `<program>` of IMAGE sent in payload-sized transfers. */
async function program(io: Io, zlpAwareHost: 0 | 1, name = 'ZlpAwareHost'): Promise<void> {
  await io.write(
    xml(
      `<configure MemoryName="emmc" Verbose="0" AlwaysValidate="0" MaxDigestTableSizeInBytes="2048" MaxPayloadSizeToTargetInBytes="${PAYLOAD}" ${name}="${zlpAwareHost}" SkipStorageInit="0" />`,
    ),
  );
  expect(await untilResponse(io)).toMatch(/<response value="ACK"/);
  await io.write(
    xml(
      `<program SECTOR_SIZE_IN_BYTES="${SECTOR}" num_partition_sectors="${IMAGE.length / SECTOR}" physical_partition_number="0" start_sector="${START}" filename="test.bin" />`,
    ),
  );
  expect(await untilResponse(io)).toMatch(/<response value="ACK" rawmode="true"/);
  for (let at = 0; at < IMAGE.length; at += PAYLOAD)
    await io.write(IMAGE.subarray(at, Math.min(at + PAYLOAD, IMAGE.length)));
}

// QFirehose spells the attribute ZlpAwareHost, qdl ZLPAwareHost: programmers take both.
it.each(['ZlpAwareHost', 'ZLPAwareHost'])(
  'a host sending exact-length answers and no ZLP uploads the programmer and flashes with %s=0',
  async (name) => {
    const { modem, usb, io, lengths } = await uploaded();
    // Some answers were whole packets, which only the read's length can end.
    expect(lengths.some((n) => n % 512 === 0)).toBe(true);
    await program(io, 0, name);
    expect(await untilResponse(io)).toMatch(/<response value="ACK" rawmode="false"/);
    expect(usb.outTransfers.get(modem)?.filter((n) => n === 0)).toEqual([]); // no ZLP was ever sent
    const stored = modem.storage.read(0, START, IMAGE.length / SECTOR);
    expect(Buffer.from(stored).equals(IMAGE)).toBe(true);
  },
);

it('with ZlpAwareHost=1 the programmer waits for the ZLP after a last transfer of whole packets', async () => {
  const { io } = await uploaded();
  await program(io, 1);
  // The programmer's payload-sized read is not full and saw no short packet: no answer yet.
  await expect(io.read(4096, 500)).rejects.toMatchObject({ message: 'LIBUSB_TRANSFER_TIMED_OUT' });
  await io.write(Buffer.alloc(0));
  expect(await untilResponse(io)).toMatch(/<response value="ACK" rawmode="false"/);
});

it("qdl's habits: a transfer per packet, a ZLP after whole packets, libxml2's newline after </data>", async () => {
  const { modem, io } = await uploaded();
  const send = async (b: Buffer): Promise<void> => {
    for (let at = 0; at < b.length; at += 512) await io.write(b.subarray(at, at + 512));
    if (b.length % 512 === 0) await io.write(Buffer.alloc(0));
  };
  const doc = (body: string): Buffer =>
    Buffer.from(`<?xml version="1.0"?>\n<data>${body}</data>\n`);
  await send(
    doc(
      `<configure MemoryName="emmc" MaxPayloadSizeToTargetInBytes="${PAYLOAD}" verbose="0" ZLPAwareHost="1" SkipStorageInit="0"/>`,
    ),
  );
  expect(await untilResponse(io)).toMatch(/<response value="ACK"/);
  // Two programs in a row: the newline after the first must not shift the second's data.
  for (const [sectors, start] of [
    [40, START],
    [15, START + 64],
  ] as const) {
    await send(
      doc(
        `<program SECTOR_SIZE_IN_BYTES="512" num_partition_sectors="${sectors}" physical_partition_number="0" start_sector="${start}" filename="x.mbn"/>`,
      ),
    );
    expect(await untilResponse(io)).toMatch(/rawmode="true"/);
    await send(IMAGE.subarray(0, sectors * SECTOR));
    expect(await untilResponse(io)).toMatch(/<response value="ACK" rawmode="false"/);
    const stored = modem.storage.read(0, start, sectors);
    expect(Buffer.from(stored).equals(IMAGE.subarray(0, sectors * SECTOR))).toBe(true);
  }
});
