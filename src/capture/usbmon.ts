/**
 * The Linux usbmon binary record (kernel Documentation/usb/usbmon.rst, "Raw binary format and
 * API"): the header libpcap puts before each USB packet. LINKTYPE_USB_LINUX (189) keeps its
 * first 48 bytes; LINKTYPE_USB_LINUX_MMAPPED (220) all 64. Fields are in the capturing host's
 * byte order, which is the capture file's.
 *
 * @module
 */
import { CaptureError } from '../errors.js';

/** Link type of the 48-byte usbmon header. */
export const LINKTYPE_USB_LINUX = 189;
/** Link type of the 64-byte usbmon header (what tcpdump and Wireshark write on usbmonN today). */
export const LINKTYPE_USB_LINUX_MMAPPED = 220;

/** usbmon's transfer types. */
export const UsbTransferType = { ISOCHRONOUS: 0, INTERRUPT: 1, CONTROL: 2, BULK: 3 } as const;

/** Submission, callback (completion), or submission error. */
export type UrbEvent = 'S' | 'C' | 'E';

/** One usbmon record. */
export interface UsbmonRecord {
  /** The URB's tag: the same on its submission and its completion. */
  readonly id: bigint;
  readonly event: UrbEvent;
  readonly transferType: number;
  /** Endpoint address with the direction bit (0x80 = IN). */
  readonly endpoint: number;
  readonly device: number;
  readonly bus: number;
  /** The 8-byte SETUP packet of a control submission, when captured. */
  readonly setup: Uint8Array | undefined;
  /** usbmon's data flag: 0 when data follows, `<` or `>` when there is none by design. */
  readonly dataFlag: number;
  /** Capture time in microseconds since 1970. */
  readonly timestampUs: number;
  /** 0, or a negative errno (-2 ENOENT and -104 ECONNRESET for a cancelled URB). */
  readonly status: number;
  /** Submitted length (S) or actual length (C). */
  readonly length: number;
  /** The data bytes kept (`len_cap`, possibly fewer again if the snapshot length cut them). */
  readonly data: Uint8Array;
  readonly interval: number;
  readonly startFrame: number;
  readonly transferFlags: number;
}

/** Header length for each usbmon link type. */
export function usbmonHeaderLength(linkType: number): number {
  if (linkType === LINKTYPE_USB_LINUX) return 48;
  if (linkType === LINKTYPE_USB_LINUX_MMAPPED) return 64;
  throw new CaptureError(
    'QFH_CAPTURE_FORMAT',
    `link type ${linkType} is not Linux USB (189 or 220)`,
  );
}

const EVENTS: Record<number, UrbEvent> = { 0x53: 'S', 0x43: 'C', 0x45: 'E' };

/** Decodes the usbmon record in one captured packet. */
export function decodeUsbmonRecord(
  packet: Uint8Array,
  o: { linkType: number; littleEndian: boolean },
): UsbmonRecord {
  const header = usbmonHeaderLength(o.linkType);
  if (packet.length < header)
    throw new CaptureError(
      'QFH_CAPTURE_FORMAT',
      `usbmon record of ${packet.length} bytes, shorter than its ${header}-byte header`,
    );
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  const le = o.littleEndian;
  const event = EVENTS[packet[8] ?? 0];
  if (!event)
    throw new CaptureError(
      'QFH_CAPTURE_FORMAT',
      `usbmon record with event type 0x${(packet[8] ?? 0).toString(16)} (not S, C or E)`,
    );
  const captured = view.getUint32(36, le);
  const isoDescriptors = header === 64 ? view.getUint32(60, le) : 0;
  const dataAt = header + (packet[9] === UsbTransferType.ISOCHRONOUS ? 16 * isoDescriptors : 0);
  return {
    id: view.getBigUint64(0, le),
    event,
    transferType: packet[9] ?? 0,
    endpoint: packet[10] ?? 0,
    device: packet[11] ?? 0,
    bus: view.getUint16(12, le),
    setup: packet[14] === 0 ? packet.slice(40, 48) : undefined,
    dataFlag: packet[15] ?? 0,
    timestampUs: Number(view.getBigInt64(16, le)) * 1e6 + view.getInt32(24, le),
    status: view.getInt32(28, le),
    length: view.getUint32(32, le),
    data: packet.subarray(dataAt, Math.min(packet.length, dataAt + captured)),
    interval: header === 64 ? view.getInt32(48, le) : 0,
    startFrame: header === 64 ? view.getInt32(52, le) : 0,
    transferFlags: header === 64 ? view.getUint32(56, le) : 0,
  };
}

/** Fields of a record to encode; omitted ones are zero. */
export type UsbmonRecordInput = Partial<UsbmonRecord> &
  Pick<UsbmonRecord, 'id' | 'event' | 'endpoint' | 'device' | 'bus' | 'timestampUs'>;

/** Encodes a record as the kernel would hand it to libpcap (data flag 0 when there is data). */
export function encodeUsbmonRecord(
  r: UsbmonRecordInput,
  o: { linkType: number; littleEndian?: boolean },
): Uint8Array {
  const header = usbmonHeaderLength(o.linkType);
  const data = r.data ?? new Uint8Array(0);
  const out = new Uint8Array(header + data.length);
  const view = new DataView(out.buffer);
  const le = o.littleEndian ?? true;
  view.setBigUint64(0, r.id, le);
  out[8] = r.event.charCodeAt(0);
  out[9] = r.transferType ?? UsbTransferType.BULK;
  out[10] = r.endpoint;
  out[11] = r.device;
  view.setUint16(12, r.bus, le);
  out[14] = r.setup ? 0 : 0x2d; // '-': no setup packet
  out[15] = r.dataFlag ?? (data.length > 0 ? 0 : r.endpoint & 0x80 ? 0x3c : 0x3e);
  const us = Math.round(r.timestampUs);
  view.setBigInt64(16, BigInt(Math.floor(us / 1e6)), le);
  view.setInt32(24, us % 1e6, le);
  view.setInt32(28, r.status ?? 0, le);
  view.setUint32(32, r.length ?? data.length, le);
  view.setUint32(36, data.length, le);
  if (r.setup) out.set(r.setup.subarray(0, 8), 40);
  if (header === 64) {
    view.setInt32(48, r.interval ?? 0, le);
    view.setInt32(52, r.startFrame ?? 0, le);
    view.setUint32(56, r.transferFlags ?? 0, le);
  }
  out.set(data, header);
  return out;
}
