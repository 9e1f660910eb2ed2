import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FirehoseClient } from '../../../../src/firehose/index.js';
import { uploadProgrammer } from '../../../../src/sahara/index.js';
import { buildTestProgrammer } from '../../../../src/sim/index.js';
import { timeoutsFor } from '../../../../src/timeouts.js';
import type { ReadOptions, Transport, WriteOptions } from '../../../../src/transport/transport.js';
import { memorySource } from '../../../helpers/sources.js';
import { waitForEdlDevice } from '../bus.js';
import type { UsbCase } from '../harness.js';
import { bulkTransfers, readUsbmonPcap, zlpTerminated } from '../pcap.js';
import { startSimulator } from '../simulator.js';
import { startCapture } from '../usbmon.js';
import { openEdl } from './open-edl.js';

/** Remembers the length of every read the protocol layers got (0 = a ZLP). */
class ReadLengths implements Transport {
  readonly lengths: number[] = [];
  constructor(private readonly inner: Transport) {}
  get description(): string {
    return this.inner.description;
  }
  async read(n: number, o: ReadOptions): Promise<Uint8Array> {
    const data = await this.inner.read(n, o);
    this.lengths.push(data.length);
    return data;
  }
  write(d: Uint8Array, o: WriteOptions): Promise<void> {
    return this.inner.write(d, o);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

const SECTORS = 4;

/** A 2 KiB program and read: each a whole number of packets, so each needs its ZLP. */
async function session(usb: Transport): Promise<void> {
  await uploadProgrammer(
    usb,
    memorySource(buildTestProgrammer({ segmentSizes: [0x3000, 0x1800] })),
  );
  const client = new FirehoseClient(usb, { timeouts: timeoutsFor('emmc') });
  await client.readBanner();
  await client.configure({ memoryName: 'eMMC', maxPayload: 1048576 });
  const range = { sectorSizeInBytes: 512, numPartitionSectors: SECTORS, startSector: 4096 };
  const data = Uint8Array.from({ length: SECTORS * 512 }, (_, i) => (i * 7) & 0xff);
  await client.program(
    range,
    (async function* () {
      yield data;
    })(),
  );
  const back: Buffer[] = [];
  await client.read(range, (p) => void back.push(Buffer.from(p)));
  assert.ok(
    Buffer.concat(back).equals(Buffer.from(data)),
    'read back differs from what was programmed',
  );
}

/** The device side's own count: `… (+N ZLPs) … (M ended by a ZLP)`. */
function deviceCounts(stdout: string): { received: number; sent: number } {
  const m = /from host \d+ \(\+(\d+) ZLPs\), to host \d+ \((\d+) ended by a ZLP\)/.exec(stdout);
  return { received: Number(m?.[1]), sent: Number(m?.[2]) };
}

/** ZLPs on the wire, in both directions, through the kernel. */
export const zlp: UsbCase = {
  name: 'ZLPs both ways: a 2048-byte write and a 2048-byte reply each end with a ZLP on the wire (usbmon)',
  async run(ctx) {
    const sim = await startSimulator(ctx, { profile: 'msm8953-emmc' });
    const pcap = join(ctx.results, 'zlp-msm8953-emmc.pcap');
    const dev = await waitForEdlDevice().catch(async (e: unknown) => {
      await sim.stop();
      throw e;
    });
    const capture = await startCapture(dev.busnum, pcap);
    const usb = new ReadLengths(await openEdl(ctx));
    try {
      await session(usb);
    } finally {
      await usb.close();
      ctx.log(`capture ${JSON.stringify(await capture.stop())}`);
    }
    const device = deviceCounts((await sim.stop()).stdout);
    const transfers = bulkTransfers(readUsbmonPcap(await readFile(pcap)), dev.devnum);
    const out = zlpTerminated(transfers, 'out');
    const inward = zlpTerminated(transfers, 'in');
    const size = SECTORS * 512;
    assert.ok(
      out.includes(size),
      `no ${size}-byte OUT transfer followed by a ZLP: ${out.join(',')}`,
    );
    assert.ok(
      inward.includes(size),
      `no ${size}-byte IN transfer followed by a ZLP: ${inward.join(',')}`,
    );
    const lengths = usb.lengths;
    const zlpRead = lengths.findIndex((n, i) => n === 0 && lengths[i - 1] === size);
    assert.ok(
      zlpRead > 0,
      `qfh never read the ZLP after the ${size}-byte reply: ${lengths.join(',')}`,
    );
    assert.ok(
      device.received > 0 && device.sent > 0,
      `device side counted ${JSON.stringify(device)}`,
    );
    return `wire: OUT ${[...new Set(out)].join('/')} + ZLP, IN ${[...new Set(inward)].join('/')} + ZLP; device side: ${device.received} ZLPs received, ${device.sent} sent`;
  },
};
