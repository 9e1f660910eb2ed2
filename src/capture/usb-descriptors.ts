/**
 * The two USB descriptors a capture needs: the device descriptor (who the device is: VID:PID)
 * and the configuration descriptor (its interfaces and bulk endpoints). Parsed from the
 * enumeration in a usbmon capture; built for the synthetic enumeration of an exported session.
 * USB descriptors are little-endian whatever the host.
 *
 * @module
 */

/** Control request fields of GET_DESCRIPTOR (USB 2.0 §9.4.3). */
export const GET_DESCRIPTOR = { requestType: 0x80, request: 6, device: 1, configuration: 2 };

/** What the device descriptor says. */
export interface DeviceDescriptor {
  readonly vendorId: number;
  readonly productId: number;
  readonly maxPacket0: number;
}

/** One endpoint of an interface. */
export interface EndpointDescriptor {
  /** Address with the direction bit (0x80 = IN). */
  readonly address: number;
  /** 2 for bulk. */
  readonly transferType: number;
  readonly maxPacket: number;
}

/** One interface (alternate setting) of a configuration. */
export interface InterfaceDescriptor {
  readonly number: number;
  readonly interfaceClass: number;
  readonly subclass: number;
  readonly protocol: number;
  readonly endpoints: EndpointDescriptor[];
}

/** The device descriptor at the start of `data`, if that is one. */
export function parseDeviceDescriptor(data: Uint8Array): DeviceDescriptor | undefined {
  if (data.length < 18 || data[0] !== 18 || data[1] !== GET_DESCRIPTOR.device) return undefined;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return {
    vendorId: view.getUint16(8, true),
    productId: view.getUint16(10, true),
    maxPacket0: data[7] ?? 0,
  };
}

/** The interfaces in a configuration descriptor (with everything that follows it). */
export function parseConfiguration(data: Uint8Array): InterfaceDescriptor[] {
  const out: InterfaceDescriptor[] = [];
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let at = 0;
  while (at + 2 <= data.length) {
    const length = data[at] ?? 0;
    const type = data[at + 1];
    if (length < 2 || at + length > data.length) break;
    if (type === 4 && length >= 9)
      out.push({
        number: data[at + 2] ?? 0,
        interfaceClass: data[at + 5] ?? 0,
        subclass: data[at + 6] ?? 0,
        protocol: data[at + 7] ?? 0,
        endpoints: [],
      });
    else if (type === 5 && length >= 7)
      out.at(-1)?.endpoints.push({
        address: data[at + 2] ?? 0,
        transferType: (data[at + 3] ?? 0) & 3,
        maxPacket: view.getUint16(at + 4, true) & 0x7ff,
      });
    at += length;
  }
  return out;
}

/** A device descriptor. */
export function buildDeviceDescriptor(d: { vendorId: number; productId: number }): Uint8Array {
  const out = Uint8Array.from([18, 1, 0x00, 0x02, 0, 0, 0, 64, 0, 0, 0, 0, 0x00, 0x00, 0, 0, 0, 1]);
  const view = new DataView(out.buffer);
  view.setUint16(8, d.vendorId, true);
  view.setUint16(10, d.productId, true);
  return out;
}

/**
 * The configuration of a Qualcomm EDL device as real ones report it (research/captures.md
 * §1.2: one vendor-specific interface, protocol 0x10, bulk IN 0x81 and OUT 0x01).
 */
export function buildEdlConfiguration(o: {
  inEndpoint: number;
  outEndpoint: number;
  maxPacket: number;
}): Uint8Array {
  const endpoint = (address: number): number[] => [
    7,
    5,
    address,
    2,
    o.maxPacket & 0xff,
    o.maxPacket >> 8,
    0,
  ];
  return Uint8Array.from([
    ...[9, 2, 32, 0, 1, 1, 0, 0xa0, 1],
    ...[9, 4, 0, 0, 2, 0xff, 0xff, 0x10, 0],
    ...endpoint(o.inEndpoint),
    ...endpoint(o.outEndpoint),
  ]);
}

/** The 8-byte SETUP packet of GET_DESCRIPTOR(type, index) for `length` bytes. */
export function getDescriptorSetup(type: number, length: number): Uint8Array {
  return Uint8Array.from([
    GET_DESCRIPTOR.requestType,
    GET_DESCRIPTOR.request,
    0,
    type,
    0,
    0,
    length & 0xff,
    length >> 8,
  ]);
}
