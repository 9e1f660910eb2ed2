/**
 * Just enough of a pcap reader for the cases' own checks on usbmon captures (the project's
 * capture import is another module's job): records of LINKTYPE_USB_LINUX_MMAPPED (220), the
 * 64-byte usbmon header of each (include/uapi/linux/usb/... `struct mon_bin_hdr` plus the
 * mmap fields) and the bulk transfers of one device in completion order.
 */

/** One usbmon event. */
export interface UsbmonEvent {
  readonly id: bigint;
  /** S(ubmission), C(ompletion) or E(rror). */
  readonly kind: 'S' | 'C' | 'E';
  /** 3 = bulk. */
  readonly transferType: number;
  readonly endpoint: number;
  readonly devnum: number;
  readonly busnum: number;
  readonly status: number;
  /** Submitted length (S) or actual length (C). */
  readonly length: number;
  readonly data: Uint8Array;
}

/** Reads a classic pcap file of usbmon events (microsecond or nanosecond, little-endian). */
export function readUsbmonPcap(bytes: Uint8Array): UsbmonEvent[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, true);
  if (magic !== 0xa1b2c3d4 && magic !== 0xa1b23c4d)
    throw new Error('not a little-endian pcap file');
  const linktype = view.getUint32(20, true);
  if (linktype !== 220) throw new Error(`pcap link type ${linktype}, not USB_LINUX_MMAPPED (220)`);
  const out: UsbmonEvent[] = [];
  for (let at = 24; at + 16 <= bytes.length;) {
    const included = view.getUint32(at + 8, true);
    const p = at + 16;
    const kind = String.fromCharCode(view.getUint8(p + 8));
    const captured = view.getUint32(p + 36, true);
    out.push({
      id: view.getBigUint64(p, true),
      kind: kind === 'S' || kind === 'C' ? kind : 'E',
      transferType: view.getUint8(p + 9),
      endpoint: view.getUint8(p + 10),
      devnum: view.getUint8(p + 11),
      busnum: view.getUint16(p + 12, true),
      status: view.getInt32(p + 28, true),
      length: view.getUint32(p + 32, true),
      data: bytes.subarray(p + 64, p + 64 + Math.min(captured, included - 64)),
    });
    at = p + included;
  }
  return out;
}

/** A completed bulk transfer of one device. */
export interface BulkTransfer {
  readonly direction: 'in' | 'out';
  readonly length: number;
  readonly status: number;
}

/** The device's bulk transfers as they completed. */
export function bulkTransfers(events: readonly UsbmonEvent[], devnum: number): BulkTransfer[] {
  return events
    .filter((e) => e.kind === 'C' && e.transferType === 3 && e.devnum === devnum)
    .map((e) => ({
      direction: e.endpoint & 0x80 ? 'in' : 'out',
      length: e.length,
      status: e.status,
    }));
}

/** Transfers in one direction that ended on a packet boundary and were followed by a ZLP. */
export function zlpTerminated(
  transfers: readonly BulkTransfer[],
  direction: 'in' | 'out',
  packet = 512,
): number[] {
  const ok = transfers.filter((t) => t.direction === direction && t.status === 0);
  const out: number[] = [];
  for (let i = 0; i + 1 < ok.length; i++) {
    const t = ok[i]!;
    if (t.length > 0 && t.length % packet === 0 && ok[i + 1]!.length === 0) out.push(t.length);
  }
  return out;
}

/**
 * What the device received as whole transfers: consecutive OUT transfers joined while they
 * end on a packet boundary, until a short one or a ZLP.
 */
export function deviceTransfersOut(transfers: readonly BulkTransfer[], packet = 512): number[] {
  const out: number[] = [];
  let run = 0;
  for (const t of transfers.filter((x) => x.direction === 'out' && x.status === 0)) {
    run += t.length;
    if (t.length % packet !== 0 || t.length === 0) {
      if (run > 0) out.push(run);
      run = 0;
    }
  }
  return out;
}
