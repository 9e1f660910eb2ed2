/**
 * A session as pcapng with link type 220 (LINKTYPE_USB_LINUX_MMAPPED), the file tcpdump and
 * Wireshark write on `usbmonN`: it opens in any Wireshark, and qfh's own usbmon import reads it
 * back. The file starts with a synthetic enumeration (GET_DESCRIPTOR device and configuration
 * replies of a 05c6:9008 with bulk endpoints 0x81/0x01), so Wireshark knows the VID:PID and the
 * qfh dissector (`qfh wireshark`) decodes the bulk traffic as Sahara and Firehose.
 *
 * @module
 */
import { pcapngHeader, pcapngPacket } from './pcap-write.js';
import type { TransferEvent } from './tapped-transport.js';
import {
  buildDeviceDescriptor,
  buildEdlConfiguration,
  GET_DESCRIPTOR,
  getDescriptorSetup,
} from './usb-descriptors.js';
import {
  encodeUsbmonRecord,
  LINKTYPE_USB_LINUX_MMAPPED,
  UsbTransferType,
  type UsbmonRecordInput,
} from './usbmon.js';

/** The USB identity the exported session is written under. */
export interface UsbIdentity {
  /** @default 1 */
  readonly bus?: number;
  /** @default 2 */
  readonly address?: number;
  /** @default 0x05c6 */
  readonly vendorId?: number;
  /** @default 0x9008 */
  readonly productId?: number;
  /** @default 0x81 */
  readonly inEndpoint?: number;
  /** @default 0x01 */
  readonly outEndpoint?: number;
  /** @default 512 */
  readonly maxPacket?: number;
}

/** Kernel-pointer-looking URB tags, as usbmon shows them. */
const URB_BASE = 0xffff8880_10000000n;

/** Turns transfer events into pcapng blocks handed to `sink`, starting with the file header. */
export class UsbPcapngWriter {
  private readonly id: Required<UsbIdentity>;
  private controlUrb = 0;

  constructor(
    private readonly sink: (bytes: Uint8Array) => void,
    identity: UsbIdentity & { description?: string; startUs?: number } = {},
  ) {
    this.id = {
      bus: identity.bus ?? 1,
      address: identity.address ?? 2,
      vendorId: identity.vendorId ?? 0x05c6,
      productId: identity.productId ?? 0x9008,
      inEndpoint: identity.inEndpoint ?? 0x81,
      outEndpoint: identity.outEndpoint ?? 0x01,
      maxPacket: identity.maxPacket ?? 512,
    };
    sink(
      pcapngHeader({
        linkType: LINKTYPE_USB_LINUX_MMAPPED,
        application: 'qfh',
        interfaceName: `qfh session${identity.description ? `: ${identity.description}` : ''}`,
      }),
    );
    this.enumerate(identity.startUs ?? Date.now() * 1000);
  }

  private record(r: Omit<UsbmonRecordInput, 'bus' | 'device'>): void {
    const packet = encodeUsbmonRecord(
      { ...r, bus: this.id.bus, device: this.id.address },
      { linkType: LINKTYPE_USB_LINUX_MMAPPED },
    );
    this.sink(pcapngPacket({ timestampUs: r.timestampUs, data: packet }));
  }

  /** GET_DESCRIPTOR(device) and GET_DESCRIPTOR(configuration), each a submission and its reply. */
  private enumerate(timeUs: number): void {
    const replies: [number, Uint8Array][] = [
      [GET_DESCRIPTOR.device, buildDeviceDescriptor(this.id)],
      [GET_DESCRIPTOR.configuration, buildEdlConfiguration(this.id)],
    ];
    for (const [type, reply] of replies) {
      const id = URB_BASE - BigInt(++this.controlUrb) * 0x100n;
      const common = { id, transferType: UsbTransferType.CONTROL, endpoint: 0x80 };
      this.record({
        ...common,
        event: 'S',
        timestampUs: timeUs,
        setup: getDescriptorSetup(type, reply.length),
        length: reply.length,
      });
      this.record({ ...common, event: 'C', timestampUs: timeUs, data: reply });
    }
  }

  /** Writes one transfer event. */
  readonly observe = (e: TransferEvent): void => {
    const endpoint = e.dir === 'in' ? this.id.inEndpoint : this.id.outEndpoint;
    this.record({
      id: URB_BASE + BigInt(e.urb) * 0x100n,
      event: e.kind === 'submit' ? 'S' : 'C',
      transferType: UsbTransferType.BULK,
      endpoint,
      timestampUs: e.timeUs,
      data: e.data,
      length: e.length,
      ...(e.kind === 'complete' ? { status: e.status } : {}),
    });
  };
}
