/**
 * The fake usb module is as strict as a USB device: it works in packets of its endpoints'
 * wMaxPacketSize (512 high speed, 1024 SuperSpeed, per profile), a transfer of whole packets
 * reaches the device only once a short packet or a ZLP ends it, and closing the handle
 * cancels what is in flight.
 */
import { describe, expect, it } from 'vitest';
import { FakeUsb, SimulatedModem } from '../../src/sim/index.js';
import {
  LIBUSB,
  type UsbDeviceLike,
  type UsbErrorLike,
  type UsbInEndpointLike,
  type UsbOutEndpointLike,
} from '../../src/transport/usb-api.js';

/** A modem whose links record each write the device receives (its length). */
function recordingModem(profile: string): { modem: SimulatedModem; received: number[] } {
  const modem = new SimulatedModem({ profile });
  const received: number[] = [];
  const connect = modem.connect.bind(modem);
  modem.connect = () => {
    const link = connect();
    const write = link.write.bind(link);
    link.write = (data, o) => {
      received.push(data.length);
      return write(data, o);
    };
    return link;
  };
  return { modem, received };
}

function claimed(fake: FakeUsb): {
  device: UsbDeviceLike;
  input: UsbInEndpointLike;
  output: UsbOutEndpointLike;
} {
  const device = fake.getDeviceList()[0] as UsbDeviceLike;
  device.open();
  const iface = device.interfaces?.[0];
  iface?.detachKernelDriver();
  iface?.claim();
  const input = iface?.endpoints.find((e) => e.direction === 'in') as UsbInEndpointLike;
  const output = iface?.endpoints.find((e) => e.direction === 'out') as UsbOutEndpointLike;
  return { device, input, output };
}

const send = (ep: UsbOutEndpointLike, b: Buffer): Promise<number> =>
  new Promise((resolve, reject) => ep.transfer(b, (e, n) => (e ? reject(e) : resolve(n))));
const receive = (ep: UsbInEndpointLike, n: number): Promise<Buffer> =>
  new Promise((resolve, reject) =>
    ep.transfer(n, (e, d) => (e ? reject(e) : resolve(d ?? Buffer.alloc(0)))),
  );

describe('fake usb: packets, ZLPs, cancellation', () => {
  it('wMaxPacketSize is the profile’s: 512 at high speed, 1024 for a SuperSpeed device', () => {
    for (const [profile, size] of [
      ['eg25g', 512],
      ['sm8150-ufs', 1024],
    ] as const) {
      const { input, output } = claimed(new FakeUsb([new SimulatedModem({ profile })]));
      expect([input.descriptor.wMaxPacketSize, output.descriptor.wMaxPacketSize]).toEqual([
        size,
        size,
      ]);
    }
  });

  it('a transfer of whole packets reaches the device only when a ZLP or a short packet ends it', async () => {
    const { modem, received } = recordingModem('eg25g');
    const { output } = claimed(new FakeUsb([modem]));
    expect(await send(output, Buffer.alloc(1024, 0x20))).toBe(1024);
    await new Promise((r) => setTimeout(r, 20));
    expect(received).toEqual([]);
    await send(output, Buffer.alloc(0));
    await new Promise((r) => setTimeout(r, 20));
    expect(received).toEqual([1024]);
    await send(output, Buffer.alloc(512, 0x20));
    await send(output, Buffer.alloc(100, 0x20));
    await new Promise((r) => setTimeout(r, 20));
    expect(received).toEqual([1024, 612]);
  });

  it('closing the handle cancels a transfer in flight', async () => {
    const { device, input } = claimed(new FakeUsb([new SimulatedModem({ profile: 'eg25g' })]));
    await receive(input, 512); // the HELLO
    const waiting = receive(input, 512).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 10));
    device.close();
    expect(((await waiting) as UsbErrorLike).errno).toBe(LIBUSB.TRANSFER_CANCELLED);
  });
});
