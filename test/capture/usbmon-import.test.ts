import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildDeviceDescriptor,
  buildEdlConfiguration,
  encodeUsbmonRecord,
  getDescriptorSetup,
  importUsbmon,
  transfersToScript,
  UsbPcapngWriter,
  writePcap,
  writePcapng,
  type UsbmonRecordInput,
} from '../../src/capture/index.js';
import { CaptureError } from '../../src/errors.js';

type R = Omit<UsbmonRecordInput, 'timestampUs'>;
const hello = Buffer.concat([
  Buffer.from('010000003000000002000000010000000004000000000000', 'hex'),
  Buffer.alloc(24),
]);
const helloResp = Uint8Array.from(Buffer.alloc(48, 0x02));
const block = Uint8Array.from({ length: 512 }, (_, i) => i & 0xff);
const long = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff);

/** GET_DESCRIPTOR(type) at `device` on bus 2: submission and reply. */
const describe_ = (device: number, type: number, reply: Uint8Array, id: bigint): R[] => [
  {
    id,
    event: 'S',
    transferType: 2,
    endpoint: 0x80,
    device,
    bus: 2,
    setup: getDescriptorSetup(type, reply.length),
    length: reply.length,
  },
  { id, event: 'C', transferType: 2, endpoint: 0x80, device, bus: 2, data: reply },
];
const bulk = (r: Omit<R, 'bus' | 'device' | 'transferType'>, device = 5): R => ({
  ...r,
  bus: 2,
  device,
  transferType: 3,
});

/**
 * A session as the kernel would record it on a dummy_hcd gadget (OUT endpoint 0x02), with a
 * device at address 0 mid-enumeration, a mouse on the same bus, a cancelled read, ZLPs both
 * ways, pipelined OUT transfers, and an OUT transfer the snapshot length cut.
 */
function kernelRecords(o: { enumerate?: boolean; address?: number } = {}): R[] {
  const a = o.address ?? 5;
  const enumeration =
    o.enumerate === false
      ? []
      : [
          ...describe_(0, 1, buildDeviceDescriptor({ vendorId: 0x05c6, productId: 0x9008 }), 1n),
          ...describe_(a, 1, buildDeviceDescriptor({ vendorId: 0x05c6, productId: 0x9008 }), 2n),
          ...describe_(
            a,
            2,
            buildEdlConfiguration({ inEndpoint: 0x81, outEndpoint: 0x02, maxPacket: 512 }),
            3n,
          ),
          ...describe_(3, 1, buildDeviceDescriptor({ vendorId: 0x046d, productId: 0xc077 }), 4n),
        ];
  return [
    ...enumeration,
    { id: 9n, event: 'S', transferType: 1, endpoint: 0x81, device: 3, bus: 2, length: 4 },
    bulk({ id: 10n, event: 'S', endpoint: 0x81, length: 4096 }, a),
    {
      id: 9n,
      event: 'C',
      transferType: 1,
      endpoint: 0x81,
      device: 3,
      bus: 2,
      data: Uint8Array.of(1, 2, 3, 4),
    },
    bulk({ id: 10n, event: 'C', endpoint: 0x81, data: hello }, a),
    bulk({ id: 11n, event: 'S', endpoint: 0x02, data: helloResp }, a),
    bulk({ id: 11n, event: 'C', endpoint: 0x02, length: 48 }, a),
    bulk({ id: 12n, event: 'S', endpoint: 0x02, data: block }, a),
    bulk({ id: 13n, event: 'S', endpoint: 0x02, length: 0 }, a),
    bulk({ id: 12n, event: 'C', endpoint: 0x02, length: 512 }, a),
    bulk({ id: 13n, event: 'C', endpoint: 0x02, length: 0 }, a),
    bulk({ id: 10n, event: 'S', endpoint: 0x81, length: 4096 }, a),
    bulk({ id: 10n, event: 'C', endpoint: 0x81, status: -2, length: 0 }, a),
    bulk({ id: 14n, event: 'S', endpoint: 0x81, length: 4096 }, a),
    bulk({ id: 14n, event: 'C', endpoint: 0x81, length: 0 }, a),
    bulk({ id: 15n, event: 'S', endpoint: 0x02, data: long.subarray(0, 64), length: 1000 }, a),
    bulk({ id: 15n, event: 'C', endpoint: 0x02, length: 1000 }, a),
  ];
}

const packets = (records: R[], linkType: number, littleEndian = true) =>
  records.map((r, i) => ({
    timestampUs: 1.7e15 + i * 1000,
    data: encodeUsbmonRecord({ ...r, timestampUs: 1.7e15 + i * 1000 }, { linkType, littleEndian }),
  }));

/** A classic pcap written big-endian, as a big-endian host's libpcap would. */
function bigEndianPcap(records: R[]): Uint8Array {
  const le = writePcap(189, packets(records, 189, false));
  const out = Uint8Array.from(le);
  const v = new DataView(out.buffer);
  const lv = new DataView(le.buffer, le.byteOffset, le.byteLength);
  for (const at of [0, 16, 20]) v.setUint32(at, lv.getUint32(at, true), false);
  for (const at of [4, 6]) v.setUint16(at, lv.getUint16(at, true), false);
  let at = 24;
  while (at < out.length) {
    for (let k = 0; k < 16; k += 4) v.setUint32(at + k, lv.getUint32(at + k, true), false);
    at += 16 + lv.getUint32(at + 8, true);
  }
  return out;
}

const EXPECTED = [
  { dir: 'in', hex: hello.toString('hex'), length: 48 },
  { dir: 'out', hex: Buffer.from(helloResp).toString('hex'), length: 48 },
  { dir: 'out', hex: Buffer.from(block).toString('hex'), length: 512 },
  { dir: 'out', hex: '', length: 0 },
  { dir: 'in', hex: '', length: 0 },
  { dir: 'out', hex: Buffer.from(long.subarray(0, 64)).toString('hex'), length: 1000 },
];
const shape = (s: ReturnType<typeof importUsbmon>) =>
  s.transfers.map((t) => ({
    dir: t.dir,
    hex: Buffer.from(t.data).toString('hex'),
    length: t.length,
  }));

describe('usbmon import of kernel-shaped captures: transfers from every container', () => {
  const files: [string, Uint8Array][] = [
    ['pcap, link type 189', writePcap(189, packets(kernelRecords(), 189))],
    ['pcapng, link type 220', writePcapng(220, packets(kernelRecords(), 220))],
    ['big-endian pcap, link type 189', bigEndianPcap(kernelRecords())],
  ];
  for (const [name, file] of files)
    it(`${name}: picks 05c6:9008 by its enumeration, pairs URBs, keeps ZLPs, drops the cancelled read`, () => {
      const s = importUsbmon(file);
      expect(s.device).toEqual({
        bus: 2,
        address: 5,
        vendorId: 0x05c6,
        productId: 0x9008,
        inEndpoint: 0x81,
        outEndpoint: 0x02,
        maxPacket: 512,
        identifiedBy: 'enumeration',
      });
      expect(shape(s)).toEqual(EXPECTED);
      expect(s.notes).toEqual(['in URB ended with ENOENT (cancelled) and no data: dropped']);
    });

  it('keeps only the bytes an OUT transfer completed: a URB that failed part-way sent a prefix', () => {
    const records: R[] = [
      ...kernelRecords(),
      bulk({ id: 16n, event: 'S', endpoint: 0x02, data: block }),
      bulk({ id: 16n, event: 'C', endpoint: 0x02, status: -71, length: 200 }),
    ];
    const s = importUsbmon(writePcapng(220, packets(records, 220)));
    expect(shape(s).at(-1)).toEqual({
      dir: 'out',
      hex: Buffer.from(block.subarray(0, 200)).toString('hex'),
      length: 200,
    });
    expect(s.notes.at(-1)).toMatch(/^out URB ended with EPROTO.* after 200 bytes$/);
  });

  it('turns a transfer the capture cut short into a prefix the replay checks, and refuses a cut device transfer', () => {
    const s = importUsbmon(writePcapng(220, packets(kernelRecords(), 220)));
    expect(transfersToScript(s.transfers).at(-1)).toEqual({
      dir: 'out-prefix',
      prefix: long.subarray(0, 64),
      length: 1000,
    });
    const cut = s.transfers.map((t) => (t.index === 1 ? { ...t, data: t.data.subarray(0, 8) } : t));
    expect(() => transfersToScript(cut)).toThrow(/transfer 1 \(in\) kept 8 of its 48 bytes/);
  });
});

describe('usbmon import of kernel-shaped captures: which device, and refusals', () => {
  it('finds the device by its Sahara HELLO when the capture has no enumeration, or by bus and address', () => {
    const bare = writePcapng(220, packets(kernelRecords({ enumerate: false }), 220));
    expect(importUsbmon(bare).device).toMatchObject({
      bus: 2,
      address: 5,
      identifiedBy: 'Sahara HELLO',
      vendorId: undefined,
    });
    expect(shape(importUsbmon(bare, { bus: 2, address: 5 }))).toEqual(EXPECTED);
  });

  it('names the devices it saw when none is 05c6:9008, and refuses to guess between two', () => {
    const none = writePcapng(
      220,
      packets(
        kernelRecords().filter((r) => r.device !== 5),
        220,
      ),
    );
    expect(() => importUsbmon(none)).toThrow(CaptureError);
    expect(() => importUsbmon(none)).toThrow(/no 05c6:9008 device in the capture/);
    const two = writePcapng(
      220,
      packets([...kernelRecords(), ...kernelRecords({ address: 7 })], 220),
    );
    expect(() => importUsbmon(two)).toThrow(
      /2 devices enumerated as 05c6:9008 \(bus.address 2.5, 2.7\)/,
    );
    expect(importUsbmon(two, { bus: 2, address: 7 }).transfers.length).toBe(EXPECTED.length);
  });

  it('rejects a capture of another link type with its reason', () => {
    expect(() =>
      importUsbmon(writePcap(1, [{ timestampUs: 0, data: new Uint8Array(60) }])),
    ).toThrow(/no Linux USB packets \(link types 1;/);
  });
});

describe('usbmon import of what the pcapng exporter wrote', () => {
  it('gives back any transfers written through the exporter, whatever the interleaving of their URBs', () => {
    const transfer = fc.record({
      dir: fc.constantFrom('in' as const, 'out' as const),
      data: fc.uint8Array({ maxLength: 700 }),
    });
    fc.assert(
      fc.property(
        fc.array(transfer, { maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (list, delays) => {
          const blocks: Uint8Array[] = [];
          const w = new UsbPcapngWriter((b) => blocks.push(b), { startUs: 1e15 });
          // Every URB is submitted in order; completions come in order too (a bulk endpoint is a FIFO),
          // but submissions run ahead of completions by a random amount.
          let completed = 0;
          const complete = (): void => {
            const t = list[completed];
            if (!t) return;
            w.observe({
              kind: 'complete',
              urb: completed + 1,
              dir: t.dir,
              timeUs: 1e15 + completed,
              data: t.dir === 'in' ? t.data : new Uint8Array(0),
              length: t.data.length,
              status: 0,
            });
            completed++;
          };
          list.forEach((t, i) => {
            w.observe({
              kind: 'submit',
              urb: i + 1,
              dir: t.dir,
              timeUs: 1e15 + i,
              data: t.dir === 'out' ? t.data : new Uint8Array(0),
              length: t.dir === 'out' ? t.data.length : 4096,
            });
            for (let k = 0; k < (delays[i] ?? 0) % 3 && completed <= i; k++) complete();
          });
          while (completed < list.length) complete();
          const back = importUsbmon(Buffer.concat(blocks)).transfers;
          expect(
            back.map((t) => ({ dir: t.dir, data: Buffer.from(t.data).toString('hex') })),
          ).toEqual(list.map((t) => ({ dir: t.dir, data: Buffer.from(t.data).toString('hex') })));
        },
      ),
      { numRuns: 60 },
    );
  });
});
