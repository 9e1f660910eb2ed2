/**
 * Writes pcapng (and classic pcap, for tests and old tools) one block at a time, so a session
 * can be streamed to disk while it runs. Little-endian, one interface, microsecond stamps.
 *
 * @module
 */
import { concatBytes } from '../bytes.js';

/** One packet to write. */
export interface PacketToWrite {
  /** Microseconds since 1970. */
  readonly timestampUs: number;
  /** The bytes kept in the file. */
  readonly data: Uint8Array;
  /** Length on the wire, when more than `data` (a cut-short packet). @default data.length */
  readonly originalLength?: number;
}

const pad4 = (n: number): number => (4 - (n % 4)) % 4;

function utf8Option(code: number, text: string): Uint8Array {
  const value = new TextEncoder().encode(text);
  const out = new Uint8Array(4 + value.length + pad4(value.length));
  const view = new DataView(out.buffer);
  view.setUint16(0, code, true);
  view.setUint16(2, value.length, true);
  out.set(value, 4);
  return out;
}

function block(type: number, body: Uint8Array): Uint8Array {
  const length = 12 + body.length + pad4(body.length);
  const out = new Uint8Array(length);
  const view = new DataView(out.buffer);
  view.setUint32(0, type, true);
  view.setUint32(4, length, true);
  out.set(body, 8);
  view.setUint32(length - 4, length, true);
  return out;
}

const END_OF_OPTIONS = new Uint8Array(4);

/** The section header and one interface description: the start of a pcapng file. */
export function pcapngHeader(o: {
  linkType: number;
  /** @default 0 (no limit) */
  snapLength?: number;
  /** Written as shb_userappl, so Wireshark's capture properties say who made the file. */
  application?: string;
  /** Written as if_description. */
  interfaceName?: string;
}): Uint8Array {
  const shb = new Uint8Array(16);
  const shbView = new DataView(shb.buffer);
  shbView.setUint32(0, 0x1a2b3c4d, true);
  shbView.setUint16(4, 1, true);
  shbView.setUint16(6, 0, true);
  shbView.setBigInt64(8, -1n, true); // section length not known while streaming
  const shbOptions = o.application ? [utf8Option(4, o.application), END_OF_OPTIONS] : [];
  const idb = new Uint8Array(8);
  const idbView = new DataView(idb.buffer);
  idbView.setUint16(0, o.linkType, true);
  idbView.setUint32(4, o.snapLength ?? 0, true);
  const resolution = Uint8Array.from([9, 0, 1, 0, 6, 0, 0, 0]); // if_tsresol = 10^-6
  const idbOptions = [
    ...(o.interfaceName ? [utf8Option(3, o.interfaceName)] : []),
    resolution,
    END_OF_OPTIONS,
  ];
  return concatBytes([
    block(0x0a0d0d0a, concatBytes([shb, ...shbOptions])),
    block(1, concatBytes([idb, ...idbOptions])),
  ]);
}

/** One enhanced packet block on interface 0. */
export function pcapngPacket(p: PacketToWrite): Uint8Array {
  const head = new Uint8Array(20);
  const view = new DataView(head.buffer);
  const stamp = BigInt(Math.round(p.timestampUs));
  view.setUint32(0, 0, true);
  view.setUint32(4, Number(stamp >> 32n), true);
  view.setUint32(8, Number(stamp & 0xffffffffn), true);
  view.setUint32(12, p.data.length, true);
  view.setUint32(16, p.originalLength ?? p.data.length, true);
  return block(6, concatBytes([head, p.data, new Uint8Array(pad4(p.data.length))]));
}

/** A whole pcapng file. */
export function writePcapng(linkType: number, packets: readonly PacketToWrite[]): Uint8Array {
  return concatBytes([pcapngHeader({ linkType }), ...packets.map(pcapngPacket)]);
}

/** A whole classic pcap file (microsecond stamps). */
export function writePcap(linkType: number, packets: readonly PacketToWrite[]): Uint8Array {
  const header = new Uint8Array(24);
  const view = new DataView(header.buffer);
  view.setUint32(0, 0xa1b2c3d4, true);
  view.setUint16(4, 2, true);
  view.setUint16(6, 4, true);
  view.setUint32(16, 262144, true);
  view.setUint32(20, linkType, true);
  const records = packets.map((p) => {
    const out = new Uint8Array(16 + p.data.length);
    const v = new DataView(out.buffer);
    const us = Math.round(p.timestampUs);
    v.setUint32(0, Math.floor(us / 1e6), true);
    v.setUint32(4, us % 1e6, true);
    v.setUint32(8, p.data.length, true);
    v.setUint32(12, p.originalLength ?? p.data.length, true);
    out.set(p.data, 16);
    return out;
  });
  return concatBytes([header, ...records]);
}
