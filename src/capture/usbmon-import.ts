/**
 * usbmon captures (pcap or pcapng, link type 189 or 220) in, the EDL session's two byte
 * streams out, one entry per USB transfer: what the host sent (the data of each bulk OUT
 * submission) and what the device sent (the data of each bulk IN completion), in the order the
 * transfers completed, zero-length packets kept. A URB that was cancelled or failed carries no
 * data to either side and is dropped (with a note): a cancelled IN read is not a ZLP.
 *
 * @module
 */
import { CaptureError } from '../errors.js';
import type { CapturedTransfer } from './captured-transfer.js';
import { packetsOf } from './pcap-read.js';
import {
  decodeUsbmonRecord,
  LINKTYPE_USB_LINUX,
  LINKTYPE_USB_LINUX_MMAPPED,
  UsbTransferType,
  type UsbmonRecord,
} from './usbmon.js';
import {
  selectUsbmonDevice,
  type UsbmonDevice,
  type UsbmonDeviceSelection,
} from './usbmon-device.js';

/** A session read out of a usbmon capture. */
export interface UsbmonSession {
  readonly device: UsbmonDevice;
  readonly transfers: CapturedTransfer[];
  /** What was dropped or suspicious, one line each (cancelled URBs, errors, a cut-off file). */
  readonly notes: string[];
}

const ERRNO: Record<number, string> = {
  [-2]: 'ENOENT (cancelled)',
  [-104]: 'ECONNRESET (unlinked)',
  [-108]: 'ESHUTDOWN (device gone)',
  [-32]: 'EPIPE (stall)',
  [-71]: 'EPROTO',
  [-75]: 'EOVERFLOW',
  [-110]: 'ETIMEDOUT',
  [-19]: 'ENODEV',
};
const errnoName = (status: number): string => ERRNO[status] ?? `errno ${-status}`;
/** A short IN transfer under URB_SHORT_NOT_OK completes with -EREMOTEIO yet carries its data. */
const EREMOTEIO = -121;

/**
 * The usbmon records of a pcap/pcapng file, one at a time (see `packetsOf`); the return value
 * says whether the file was cut off.
 * @throws CaptureError `QFH_CAPTURE_FORMAT`, once the file is read, when it holds packets but
 *   none of Linux USB.
 */
export function* usbmonRecordsOf(
  bytes: Uint8Array,
): Generator<UsbmonRecord, { truncated: boolean }> {
  const packets = packetsOf(bytes);
  const others = new Set<number>();
  let usb = false;
  for (;;) {
    const next = packets.next();
    if (next.done) {
      if (!usb && others.size > 0)
        throw new CaptureError(
          'QFH_CAPTURE_FORMAT',
          `the capture holds no Linux USB packets (link types ${[...others].join(', ')}; usbmon captures have 189 or 220)`,
        );
      return { truncated: next.value.truncated };
    }
    const p = next.value;
    if (p.linkType !== LINKTYPE_USB_LINUX && p.linkType !== LINKTYPE_USB_LINUX_MMAPPED) {
      others.add(p.linkType);
      continue;
    }
    usb = true;
    yield decodeUsbmonRecord(p.data, p);
  }
}

/** Every usbmon record of a pcap/pcapng file, in one array. */
export function readUsbmonRecords(bytes: Uint8Array): {
  records: UsbmonRecord[];
  truncated: boolean;
} {
  const records: UsbmonRecord[] = [];
  const all = usbmonRecordsOf(bytes);
  for (;;) {
    const next = all.next();
    if (next.done) return { records, truncated: next.value.truncated };
    records.push(next.value);
  }
}

/**
 * Reads the EDL session out of a usbmon capture in two passes over the file: one finds the
 * device, the next keeps only its bulk transfers. No record is kept longer than it is needed,
 * so memory follows the session's own transfers, not the bus's packet count.
 */
export function importUsbmon(bytes: Uint8Array, select: UsbmonDeviceSelection = {}): UsbmonSession {
  const device = selectUsbmonDevice(usbmonRecordsOf(bytes), select);
  const end = { truncated: false };
  const transfers = pairTransfers(deviceBulk(bytes, device, end), []);
  const notes: string[] = end.truncated ? ['the file ends inside a packet (capture cut off)'] : [];
  return { device, transfers: transfers.transfers, notes: [...notes, ...transfers.notes] };
}

/** The records of `device`'s two bulk endpoints; sets `end.truncated` once read to the end. */
function* deviceBulk(
  bytes: Uint8Array,
  device: UsbmonDevice,
  end: { truncated: boolean },
): Generator<UsbmonRecord> {
  const all = usbmonRecordsOf(bytes);
  for (;;) {
    const next = all.next();
    if (next.done) {
      end.truncated = next.value.truncated;
      return;
    }
    const r = next.value;
    if (
      r.bus === device.bus &&
      r.device === device.address &&
      r.transferType === UsbTransferType.BULK &&
      (r.endpoint === device.inEndpoint || r.endpoint === device.outEndpoint)
    )
      yield r;
  }
}

/** Submissions matched with their completions, in completion order. */
function pairTransfers(
  records: Iterable<UsbmonRecord>,
  notes: string[],
): { transfers: CapturedTransfer[]; notes: string[] } {
  const pending = new Map<bigint, UsbmonRecord>();
  const transfers: CapturedTransfer[] = [];
  let start: number | undefined;
  for (const r of records) {
    if (r.event === 'S') {
      pending.set(r.id, r);
      continue;
    }
    const submitted = pending.get(r.id);
    pending.delete(r.id);
    const dir = r.endpoint & 0x80 ? 'in' : 'out';
    if (r.event === 'E') {
      notes.push(`${dir} submission failed with ${errnoName(r.status)}: dropped`);
      continue;
    }
    const ok = r.status === 0 || (dir === 'in' && r.status === EREMOTEIO);
    if (!ok && r.length === 0) {
      notes.push(`${dir} URB ended with ${errnoName(r.status)} and no data: dropped`);
      continue;
    }
    if (!ok) notes.push(`${dir} URB ended with ${errnoName(r.status)} after ${r.length} bytes`);
    let data: Uint8Array;
    if (dir === 'in') data = r.data.subarray(0, r.length);
    else if (submitted) data = submitted.data.subarray(0, r.length);
    else {
      notes.push(`out transfer of ${r.length} bytes submitted before the capture started`);
      data = new Uint8Array(0);
    }
    start ??= r.timestampUs;
    transfers.push({
      index: transfers.length + 1,
      dir,
      t: (r.timestampUs - start) / 1000,
      data,
      length: r.length,
    });
  }
  for (const s of pending.values())
    notes.push(
      `${s.endpoint & 0x80 ? 'in' : 'out'} URB still pending when the capture ended: dropped`,
    );
  return { transfers, notes };
}
