/**
 * Reads the two packet-capture containers that tcpdump, Wireshark and dumpcap write: classic
 * pcap (µs or ns timestamps, either byte order) and pcapng (sections, interfaces with their own
 * link type and timestamp resolution, enhanced/simple/obsolete packet blocks). Only the
 * container: what a packet holds (usbmon records) is decoded elsewhere.
 *
 * No npm reader fits: `pcap-parser` reads pcap only and was last changed in 2014; the pcapng
 * parsers read pcapng only, through event streams. Both formats are a page of spec each.
 *
 * @module
 */
import { CaptureError } from '../errors.js';

/** One packet of a capture file. */
export interface CapturedPacket {
  /** Link type of the interface the packet was captured on (189, 220 for Linux USB). */
  readonly linkType: number;
  /** Capture time in microseconds since 1970 (fractional when the file has finer stamps). */
  readonly timestampUs: number;
  /** The captured bytes (fewer than `originalLength` when the snapshot length cut them). */
  readonly data: Uint8Array;
  readonly originalLength: number;
  /** Byte order of the file, which is the capturing host's: usbmon headers inside use it. */
  readonly littleEndian: boolean;
}

/** What a capture file holds. */
export interface PacketFile {
  readonly format: 'pcap' | 'pcapng';
  readonly packets: CapturedPacket[];
  /** The file ends inside a packet (capture killed mid-write): the packets before it are kept. */
  readonly truncated: boolean;
}

const PCAP_US = 0xa1b2c3d4;
const PCAP_NS = 0xa1b23c4d;
const PCAPNG_SHB = 0x0a0d0d0a;
const PCAPNG_BYTE_ORDER = 0x1a2b3c4d;

const bad = (why: string): CaptureError =>
  new CaptureError('QFH_CAPTURE_FORMAT', `not a pcap or pcapng file: ${why}`);

/** How a file's packets ended: its format, and whether it stops inside a packet. */
export interface PacketFileEnd {
  readonly format: 'pcap' | 'pcapng';
  readonly truncated: boolean;
}

/**
 * The packets of a pcap or pcapng file held in memory, one at a time: a capture of a busy bus
 * holds hundreds of thousands of packets, and an object per packet kept at once cost several
 * times the file (a 36 MB capture of small transfers took 300 MB). The generator's return
 * value says how the file ended.
 */
export function* packetsOf(bytes: Uint8Array): Generator<CapturedPacket, PacketFileEnd> {
  if (bytes.length < 4) throw bad(`${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, true);
  if (magic === PCAPNG_SHB) return yield* readPcapng(bytes, view);
  for (const littleEndian of [true, false]) {
    const m = view.getUint32(0, littleEndian);
    if (m === PCAP_US || m === PCAP_NS)
      return yield* readPcap(bytes, view, littleEndian, m === PCAP_NS);
  }
  throw bad(`unknown magic 0x${view.getUint32(0, false).toString(16).padStart(8, '0')}`);
}

/** Reads a whole pcap or pcapng file held in memory, every packet in one array. */
export function readPacketFile(bytes: Uint8Array): PacketFile {
  const packets: CapturedPacket[] = [];
  const all = packetsOf(bytes);
  for (;;) {
    const next = all.next();
    if (next.done) return { ...next.value, packets };
    packets.push(next.value);
  }
}

function* readPcap(
  bytes: Uint8Array,
  view: DataView,
  littleEndian: boolean,
  nanoseconds: boolean,
): Generator<CapturedPacket, PacketFileEnd> {
  if (bytes.length < 24) throw bad('the pcap header is cut short');
  const linkType = view.getUint32(20, littleEndian) & 0xffff;
  let at = 24;
  while (at < bytes.length) {
    if (at + 16 > bytes.length) return { format: 'pcap', truncated: true };
    const seconds = view.getUint32(at, littleEndian);
    const fraction = view.getUint32(at + 4, littleEndian);
    const captured = view.getUint32(at + 8, littleEndian);
    const original = view.getUint32(at + 12, littleEndian);
    if (at + 16 + captured > bytes.length) return { format: 'pcap', truncated: true };
    yield {
      linkType,
      timestampUs: seconds * 1e6 + (nanoseconds ? fraction / 1000 : fraction),
      data: bytes.subarray(at + 16, at + 16 + captured),
      originalLength: Math.max(original, captured),
      littleEndian,
    };
    at += 16 + captured;
  }
  return { format: 'pcap', truncated: false };
}

interface PcapngInterface {
  readonly linkType: number;
  readonly snapLength: number;
  /** Timestamp units per second. */
  readonly unitsPerSecond: number;
  /** Seconds added to every timestamp (if_tsoffset). */
  readonly offsetSeconds: number;
}

/** Options of a block, from `at` to `end`: code → value. */
function readOptions(
  bytes: Uint8Array,
  view: DataView,
  range: { at: number; end: number; littleEndian: boolean },
): Map<number, Uint8Array> {
  const options = new Map<number, Uint8Array>();
  let at = range.at;
  while (at + 4 <= range.end) {
    const code = view.getUint16(at, range.littleEndian);
    const length = view.getUint16(at + 2, range.littleEndian);
    if (code === 0 || at + 4 + length > range.end) break;
    options.set(code, bytes.subarray(at + 4, at + 4 + length));
    at += 4 + length + ((4 - (length % 4)) % 4);
  }
  return options;
}

function interfaceFrom(
  bytes: Uint8Array,
  view: DataView,
  block: { at: number; end: number; littleEndian: boolean },
): PcapngInterface {
  const { at, littleEndian } = block;
  const options = readOptions(bytes, view, { at: at + 16, end: block.end, littleEndian });
  const resolution = options.get(9)?.[0] ?? 6;
  const offset = options.get(14);
  return {
    linkType: view.getUint16(at + 8, littleEndian),
    snapLength: view.getUint32(at + 12, littleEndian),
    unitsPerSecond: resolution & 0x80 ? 2 ** (resolution & 0x7f) : 10 ** resolution,
    offsetSeconds:
      offset?.length === 8
        ? Number(new DataView(offset.buffer, offset.byteOffset, 8).getBigInt64(0, littleEndian))
        : 0,
  };
}

function stampUs(high: number, low: number, iface: PcapngInterface): number {
  const units = high * 2 ** 32 + low;
  const perUs = iface.unitsPerSecond / 1e6;
  // Exact for the usual µs and ns resolutions; dividing by units per second first would not be.
  const us = perUs >= 1 ? units / perUs : units * (1e6 / iface.unitsPerSecond);
  return us + iface.offsetSeconds * 1e6;
}

/**
 * The shortest length each block qfh reads can have: its fixed fields and both length words
 * (section header 28, interface 20, enhanced packet 32, simple packet 16, obsolete packet 32).
 * A block claiming less would have qfh read its fields out of the next block or the file's end.
 */
const SHORTEST_BLOCK: ReadonlyMap<number, number> = new Map([
  [PCAPNG_SHB, 28],
  [1, 20],
  [6, 32],
  [3, 16],
  [2, 32],
]);

function* readPcapng(bytes: Uint8Array, view: DataView): Generator<CapturedPacket, PacketFileEnd> {
  let interfaces: PcapngInterface[] = [];
  let littleEndian = true;
  let lastStamp = 0;
  let at = 0;
  while (at < bytes.length) {
    if (at + 12 > bytes.length) return { format: 'pcapng', truncated: true };
    const type = view.getUint32(at, littleEndian);
    if (type === PCAPNG_SHB) {
      if (at + 12 > bytes.length) return { format: 'pcapng', truncated: true };
      if (view.getUint32(at + 8, true) === PCAPNG_BYTE_ORDER) littleEndian = true;
      else if (view.getUint32(at + 8, false) === PCAPNG_BYTE_ORDER) littleEndian = false;
      else throw bad(`section at byte ${at} has no byte-order magic`);
      interfaces = [];
    }
    const length = view.getUint32(at + 4, littleEndian);
    if (length < 12 || length % 4 !== 0) throw bad(`block at byte ${at} has length ${length}`);
    if (at + length > bytes.length) return { format: 'pcapng', truncated: true };
    if (view.getUint32(at + length - 4, littleEndian) !== length)
      throw bad(`block at byte ${at}: its trailing length differs from its leading one`);
    const least = SHORTEST_BLOCK.get(type);
    if (least !== undefined && length < least)
      throw bad(
        `block at byte ${at} (type ${type}) has length ${length}; its fixed fields need ${least}`,
      );
    const block = { at, end: at + length - 4, littleEndian };
    if (type === 1) interfaces.push(interfaceFrom(bytes, view, block));
    else if (type === 6 || type === 2 || type === 3) {
      const packet = packetFrom(bytes, view, { ...block, type, interfaces, lastStamp });
      lastStamp = packet.timestampUs;
      yield packet;
    }
    at += length;
  }
  return { format: 'pcapng', truncated: false };
}

/** An enhanced (6), obsolete (2) or simple (3) packet block. */
function packetFrom(
  bytes: Uint8Array,
  view: DataView,
  block: {
    at: number;
    end: number;
    littleEndian: boolean;
    type: number;
    interfaces: readonly PcapngInterface[];
    lastStamp: number;
  },
): CapturedPacket {
  const { at, littleEndian, type } = block;
  const u32 = (offset: number): number => view.getUint32(at + offset, littleEndian);
  const ifaceId = type === 6 ? u32(8) : type === 2 ? view.getUint16(at + 8, littleEndian) : 0;
  const iface = block.interfaces[ifaceId];
  if (!iface)
    throw bad(`packet block at byte ${at} names interface ${ifaceId}, which is not defined`);
  let captured: number, original: number, dataAt: number, timestampUs: number;
  if (type === 3) {
    original = u32(8);
    dataAt = at + 12;
    captured = Math.min(original, block.end - dataAt, iface.snapLength || original);
    timestampUs = block.lastStamp; // simple packet blocks carry no time
  } else {
    captured = u32(20);
    original = u32(24);
    dataAt = at + 28;
    timestampUs = stampUs(u32(12), u32(16), iface);
  }
  if (dataAt + captured > block.end)
    throw bad(`packet block at byte ${at} claims ${captured} bytes, more than the block holds`);
  return {
    linkType: iface.linkType,
    timestampUs,
    data: bytes.subarray(dataAt, dataAt + captured),
    originalLength: Math.max(original, captured),
    littleEndian,
  };
}
