import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  pcapngHeader,
  pcapngPacket,
  readPacketFile,
  writePcap,
  writePcapng,
} from '../../src/capture/index.js';
import { QfhError } from '../../src/errors.js';

const packet = fc.record({
  // Classic pcap stores whole seconds in 32 bits (until 2106).
  timestampUs: fc.integer({ min: 0, max: 4e15 }),
  data: fc.uint8Array({ maxLength: 300 }),
});

describe('pcap and pcapng containers: properties over any packets and any bytes', () => {
  it('reads back what it wrote, both formats, any packets', () => {
    fc.assert(
      fc.property(
        fc.array(packet, { maxLength: 20 }),
        fc.integer({ min: 0, max: 300 }),
        fc.boolean(),
        (list, linkType, ng) => {
          const file = readPacketFile(ng ? writePcapng(linkType, list) : writePcap(linkType, list));
          expect(file.format).toBe(ng ? 'pcapng' : 'pcap');
          expect(file.truncated).toBe(false);
          expect(
            file.packets.map((p) => [
              p.linkType,
              p.timestampUs,
              Buffer.from(p.data).toString('hex'),
            ]),
          ).toEqual(
            list.map((p) => [linkType, p.timestampUs, Buffer.from(p.data).toString('hex')]),
          );
        },
      ),
    );
  });

  it('reads the packets before the cut of a file cut anywhere, and says it was cut', () => {
    fc.assert(
      fc.property(
        fc.array(packet, { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        fc.nat(),
        (list, ng, n) => {
          const whole = ng ? writePcapng(220, list) : writePcap(220, list);
          const cut = whole.subarray(0, Math.max(ng ? 0 : 24, n % whole.length));
          let file;
          try {
            file = readPacketFile(cut);
          } catch (e) {
            expect(e).toBeInstanceOf(QfhError); // too short to be a file at all
            return;
          }
          file.packets.forEach((p, i) => expect(p.data).toEqual(list[i]?.data));
          // Not marked as cut only when the cut fell between two packets.
          const size = (p: (typeof list)[number]): number =>
            ng ? pcapngPacket(p).length : 16 + p.data.length;
          const first = ng ? pcapngHeader({ linkType: 220 }).length : 24;
          const boundaries = new Set(ng ? [28] : []); // pcapng: after the section header block
          list.reduce((at, p) => (boundaries.add(at), at + size(p)), first);
          if (!file.truncated) expect(boundaries.has(cut.length)).toBe(true);
        },
      ),
    );
  });

  it('never throws anything but a QfhError on garbage', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.constantFrom(
          new Uint8Array(0),
          Uint8Array.of(0xd4, 0xc3, 0xb2, 0xa1),
          Uint8Array.of(0x0a, 0x0d, 0x0d, 0x0a),
        ),
        (tail, magic) => {
          try {
            readPacketFile(Buffer.concat([magic, tail]));
          } catch (e) {
            expect(e).toBeInstanceOf(QfhError);
          }
        },
      ),
    );
  });
});

describe('pcapng blocks written by hand: options, sections, malformed blocks', () => {
  it('honours pcapng interface resolution, several sections and simple packet blocks', () => {
    // Interface with if_tsresol = 2^-10 (option 9, value 0x8a), written by hand.
    const idb = Uint8Array.from([
      1, 0, 0, 0, 32, 0, 0, 0, 220, 0, 0, 0, 0, 0, 0, 0, 9, 0, 1, 0, 0x8a, 0, 0, 0, 0, 0, 0, 0, 32,
      0, 0, 0,
    ]);
    const epb = pcapngPacket({ timestampUs: 2048, data: Uint8Array.of(7) }); // 2048 units = 2 s
    const spb = Uint8Array.from([3, 0, 0, 0, 20, 0, 0, 0, 3, 0, 0, 0, 9, 9, 9, 0, 20, 0, 0, 0]);
    const second = pcapngHeader({ linkType: 189 });
    const file = readPacketFile(
      Buffer.concat([
        pcapngHeader({ linkType: 1 }).subarray(0, 28),
        idb,
        epb,
        spb,
        second,
        pcapngPacket({ timestampUs: 5, data: Uint8Array.of(1) }),
      ]),
    );
    expect(file.packets.map((p) => [p.linkType, p.timestampUs, [...p.data]])).toEqual([
      [220, 2e6, [7]],
      [220, 2e6, [9, 9, 9]],
      [189, 5, [1]],
    ]);
  });

  it('rejects a block whose trailing length disagrees, and a packet naming an undefined interface', () => {
    const good = writePcapng(220, [{ timestampUs: 1, data: Uint8Array.of(1, 2, 3) }]);
    const bad = Uint8Array.from(good);
    bad[bad.length - 4] = 0xff;
    expect(() => readPacketFile(bad)).toThrow(/trailing length differs/);
    const header = pcapngHeader({ linkType: 220 });
    const noIdb = Buffer.concat([
      header.subarray(0, 28),
      pcapngPacket({ timestampUs: 1, data: Uint8Array.of(1) }),
    ]);
    expect(() => readPacketFile(noIdb)).toThrow(/names interface 0, which is not defined/);
    expect(() => readPacketFile(Uint8Array.of(1, 2, 3, 4, 5))).toThrow(/unknown magic 0x01020304/);
  });
});
