import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  importUsbmon,
  readCapture,
  readPacketFile,
  RecordingTransport,
  TappedTransport,
  UsbPcapngWriter,
} from '../../src/capture/index.js';
import { SimulatedModem } from '../../src/sim/index.js';
import { shortSession } from '../helpers/capture-session.js';

/** Records the session twice: as the host's reads and writes, and as exported pcapng. */
async function exported(): Promise<{ pcapng: Uint8Array; lines: string[] }> {
  const lines: string[] = [];
  const blocks: Uint8Array[] = [];
  const writer = new UsbPcapngWriter((b) => blocks.push(b));
  const sim = new SimulatedModem({ profile: 'eg25g' }).connect();
  await shortSession(
    new TappedTransport(new RecordingTransport(sim, (l) => lines.push(l)), [writer.observe]),
  );
  return { pcapng: Buffer.concat(blocks), lines };
}

describe('pcapng export of a session', () => {
  it('is a pcapng of link type 220 whose usbmon import gives back every transfer, cut at 64 KiB, ZLPs after packet-multiple writes', async () => {
    const { pcapng, lines } = await exported();
    const file = readPacketFile(pcapng);
    expect(file.format).toBe('pcapng');
    expect(new Set(file.packets.map((p) => p.linkType))).toEqual(new Set([220]));

    // Independent expectation: the host's own reads and writes, cut the way qfh's usb backend cuts them.
    const expected: { dir: string; hex: string }[] = [];
    for (const step of readCapture(lines.join('\n')).steps) {
      if (step.dir !== 'in' && step.dir !== 'out') throw new Error('exact capture');
      if (step.dir === 'in') {
        expected.push({ dir: 'in', hex: Buffer.from(step.data).toString('hex') });
        continue;
      }
      for (let at = 0; at < step.data.length; at += 65536)
        expected.push({
          dir: 'out',
          hex: Buffer.from(step.data.subarray(at, at + 65536)).toString('hex'),
        });
      if (step.data.length % 512 === 0) expected.push({ dir: 'out', hex: '' });
    }

    const session = importUsbmon(pcapng);
    expect(session.device).toMatchObject({
      bus: 1,
      address: 2,
      vendorId: 0x05c6,
      productId: 0x9008,
      inEndpoint: 0x81,
      outEndpoint: 0x01,
      maxPacket: 512,
      identifiedBy: 'enumeration',
    });
    expect(session.notes).toEqual([]);
    expect(
      session.transfers.map((t) => ({ dir: t.dir, hex: Buffer.from(t.data).toString('hex') })),
    ).toEqual(expected);
    expect(expected.filter((e) => e.dir === 'out' && e.hex === '').length).toBeGreaterThan(0);
    const times = session.transfers.map((t) => t.t);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('survives a trip through the file system byte for byte', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qfh-pcapng-'));
    try {
      const { pcapng } = await exported();
      await writeFile(join(dir, 's.pcapng'), pcapng);
      const back = importUsbmon(await readFile(join(dir, 's.pcapng')));
      expect(back.transfers.length).toBe(importUsbmon(pcapng).transfers.length);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
