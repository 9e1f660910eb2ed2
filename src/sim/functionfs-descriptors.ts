/**
 * What a FunctionFS device program writes to `ep0` (the v2 descriptor and string blocks of
 * the kernel's `Documentation/usb/functionfs.rst` and `include/uapi/linux/usb/functionfs.h`)
 * and how it reads the events `ep0` returns. Pure: bytes in, bytes out.
 *
 * The EDL interface is the one real 9008 devices enumerate with: one interface of class,
 * subclass and protocol 0xff, a bulk IN then a bulk OUT endpoint (the order qcserial's QDL
 * probe checks), 64-byte packets at full speed and 512 at high speed, no interface string.
 *
 * @module
 */

/** `FUNCTIONFS_DESCRIPTORS_MAGIC_V2`. */
const DESCRIPTORS_MAGIC_V2 = 3;
/** `FUNCTIONFS_STRINGS_MAGIC`. */
const STRINGS_MAGIC = 2;
/** `FUNCTIONFS_HAS_FS_DESC | FUNCTIONFS_HAS_HS_DESC`. */
const HAS_FS_AND_HS = 1 | 2;

/** One bulk endpoint of the function, as the descriptors declare it. */
export interface FunctionFsEndpoint {
  readonly direction: 'in' | 'out';
  /** The file under the FunctionFS mount that carries it (`ep1`, `ep2`, … in descriptor order). */
  readonly file: string;
}

/** The EDL function: interface protocol, endpoints in descriptor order. */
export interface EdlFunction {
  /** bInterfaceProtocol (0xff on MDM9607, 0x10 SDX24, 0x11 SDX55). @default 0xff */
  readonly interfaceProtocol?: number;
}

/** Endpoints of the EDL function in descriptor order: bulk IN, then bulk OUT. */
export const EDL_ENDPOINTS: readonly FunctionFsEndpoint[] = [
  { direction: 'in', file: 'ep1' },
  { direction: 'out', file: 'ep2' },
];

function interfaceDescriptor(protocol: number): number[] {
  // bLength, INTERFACE, number 0, alt 0, two endpoints, ff/ff/protocol, no string.
  return [9, 4, 0, 0, EDL_ENDPOINTS.length, 0xff, 0xff, protocol, 0];
}

function endpointDescriptor(index: number, packet: number): number[] {
  const ep = EDL_ENDPOINTS[index];
  // The number only names the endpoint to FunctionFS; the UDC assigns the bus address.
  const address = (index + 1) | (ep?.direction === 'in' ? 0x80 : 0);
  // bLength, ENDPOINT, address, bulk, wMaxPacketSize (LE), bInterval.
  return [7, 5, address, 2, packet & 0xff, packet >> 8, 0];
}

function descriptorSet(protocol: number, packet: number): number[] {
  return [
    ...interfaceDescriptor(protocol),
    ...EDL_ENDPOINTS.flatMap((_, i) => endpointDescriptor(i, packet)),
  ];
}

/** The v2 descriptor block for the EDL function (full- and high-speed sets). */
export function edlDescriptors(fn: EdlFunction = {}): Uint8Array {
  const protocol = fn.interfaceProtocol ?? 0xff;
  const fullSpeed = descriptorSet(protocol, 64);
  const highSpeed = descriptorSet(protocol, 512);
  const count = 1 + EDL_ENDPOINTS.length;
  const length = 20 + fullSpeed.length + highSpeed.length;
  const out = new Uint8Array(length);
  const view = new DataView(out.buffer);
  view.setUint32(0, DESCRIPTORS_MAGIC_V2, true);
  view.setUint32(4, length, true);
  view.setUint32(8, HAS_FS_AND_HS, true);
  view.setUint32(12, count, true);
  view.setUint32(16, count, true);
  out.set(fullSpeed, 20);
  out.set(highSpeed, 20 + fullSpeed.length);
  return out;
}

/** The string block: no strings (the descriptors reference none; device strings live in configfs). */
export function edlStrings(): Uint8Array {
  const out = new Uint8Array(16);
  const view = new DataView(out.buffer);
  view.setUint32(0, STRINGS_MAGIC, true);
  view.setUint32(4, out.length, true);
  return out;
}

/** Kinds of ep0 events, by their `enum usb_functionfs_event_type` value. */
export const FUNCTIONFS_EVENTS = [
  'bind',
  'unbind',
  'enable',
  'disable',
  'setup',
  'suspend',
  'resume',
] as const;

/** One ep0 event. `setup` carries the control request the host sent. */
export type FunctionFsEvent =
  | { readonly type: Exclude<(typeof FUNCTIONFS_EVENTS)[number], 'setup'> }
  | {
      readonly type: 'setup';
      readonly bmRequestType: number;
      readonly bRequest: number;
      readonly wLength: number;
    }
  | { readonly type: 'unknown'; readonly code: number };

/** Size of `struct usb_functionfs_event`: an 8-byte control request, the type, 3 pad bytes. */
export const FUNCTIONFS_EVENT_SIZE = 12;

/** Decodes the events of one ep0 read (a whole number of 12-byte records). */
export function parseFunctionFsEvents(bytes: Uint8Array): FunctionFsEvent[] {
  const out: FunctionFsEvent[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 0; at + FUNCTIONFS_EVENT_SIZE <= bytes.length; at += FUNCTIONFS_EVENT_SIZE) {
    const code = view.getUint8(at + 8);
    const type = FUNCTIONFS_EVENTS[code];
    if (type === undefined) out.push({ type: 'unknown', code });
    else if (type === 'setup')
      out.push({
        type,
        bmRequestType: view.getUint8(at),
        bRequest: view.getUint8(at + 1),
        wLength: view.getUint16(at + 6, true),
      });
    else out.push({ type });
  }
  return out;
}
