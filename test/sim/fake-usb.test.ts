import { describe, expect, it } from 'vitest';
import { FakeUsb, SimulatedModem, type FakeUsbDevice } from '../../src/sim/index.js';
import {
  LIBUSB,
  type UsbDeviceLike,
  type UsbInEndpointLike,
  type UsbOutEndpointLike,
} from '../../src/transport/usb-api.js';
import { decodeSaharaPacket, encodeSaharaPacket } from '../../src/sahara/index.js';

const inTransfer = (ep: UsbInEndpointLike, n: number): Promise<Buffer> =>
  new Promise((resolve, reject) =>
    ep.transfer(n, (e, d) => (e ? reject(e) : resolve(d ?? Buffer.alloc(0)))),
  );
const outTransfer = (ep: UsbOutEndpointLike, b: Buffer): Promise<number> =>
  new Promise((resolve, reject) => ep.transfer(b, (e, n) => (e ? reject(e) : resolve(n))));

function endpoints(device: UsbDeviceLike): {
  input: UsbInEndpointLike;
  output: UsbOutEndpointLike;
} {
  const iface = device.interfaces?.[0];
  const input = iface?.endpoints.find((e) => e.direction === 'in') as UsbInEndpointLike;
  const output = iface?.endpoints.find((e) => e.direction === 'out') as UsbOutEndpointLike;
  return { input, output };
}

describe('fake usb module in front of the simulator: enumeration and the PBL over bulk', () => {
  it('enumerates an EDL device as real ones do and serves the PBL over bulk transfers', async () => {
    const modem = new SimulatedModem({ profile: 'rm500q' });
    const fake = new FakeUsb([modem]);
    const [device] = fake.getDeviceList();
    expect(device?.deviceDescriptor).toMatchObject({ idVendor: 0x05c6, idProduct: 0x9008 });
    const product = await new Promise<string | undefined>((r) =>
      device?.getStringDescriptor(2, (_e, s) => r(s)),
    );
    expect(product).toBe('QUSB_BULK_CID:0404_SN:00000000');
    device?.open();
    const iface = device?.interfaces?.[0];
    expect(iface?.descriptor).toEqual({
      bInterfaceClass: 0xff,
      bInterfaceSubClass: 0xff,
      bInterfaceProtocol: 0x11,
    });
    expect(iface?.isKernelDriverActive()).toBe(true);
    expect(() => iface?.claim()).toThrow(expect.objectContaining({ errno: LIBUSB.ERROR_BUSY }));
    iface?.detachKernelDriver();
    iface?.claim();
    const { input, output } = endpoints(device as UsbDeviceLike);
    expect([
      input.descriptor.bEndpointAddress,
      output.descriptor.bEndpointAddress,
      input.descriptor.wMaxPacketSize,
    ]).toEqual([0x81, 0x01, 512]);
    expect(decodeSaharaPacket(await inTransfer(input, 512))).toMatchObject({
      type: 'hello',
      version: 2,
    });
    await outTransfer(
      output,
      Buffer.from(
        encodeSaharaPacket({
          type: 'helloResponse',
          version: 2,
          versionSupported: 1,
          status: 0,
          mode: 0,
          reserved: [0, 0, 0, 0, 0, 0],
        }),
      ),
    );
    expect(decodeSaharaPacket(await inTransfer(input, 512))).toEqual({
      type: 'readData',
      imageId: 13,
      offset: 0,
      length: 0x34,
    });
  });
});

describe('fake usb module in front of the simulator: transfer errors as libusb reports them', () => {
  it('times out a transfer only when the endpoint has a timeout (libusb: 0 waits forever), keeping the data', async () => {
    const modem = new SimulatedModem({ profile: 'eg25g', faults: { missHello: true } });
    const device = new FakeUsb([modem], {
      noKernelDriver: true,
    }).getDeviceList()[0] as UsbDeviceLike;
    device.open();
    const { input } = endpoints(device);
    input.timeout = 30;
    await expect(inTransfer(input, 512)).rejects.toMatchObject({
      errno: LIBUSB.TRANSFER_TIMED_OUT,
    });
  });

  it('overflows a request that is not whole packets when more data is there', async () => {
    const device = new FakeUsb([
      new SimulatedModem({ profile: 'eg25g' }),
    ]).getDeviceList()[0] as UsbDeviceLike;
    device.open();
    await expect(inTransfer(endpoints(device).input, 20)).rejects.toMatchObject({
      errno: LIBUSB.TRANSFER_OVERFLOW,
    });
  });

  it('records OUT transfer sizes (ZLPs as 0), stalls when told, and denies access without permissions', async () => {
    const modem = new SimulatedModem({ profile: 'eg25g' });
    const fake = new FakeUsb([modem]);
    const device = fake.getDeviceList()[0] as UsbDeviceLike;
    device.open();
    const { output } = endpoints(device);
    await outTransfer(output, Buffer.alloc(1024));
    await outTransfer(output, Buffer.alloc(0));
    expect(fake.outTransfers.get(modem)).toEqual([1024, 0]);
    const stalled = new FakeUsb([new SimulatedModem()], {
      stallOut: true,
    }).getDeviceList()[0] as UsbDeviceLike;
    stalled.open();
    await expect(outTransfer(endpoints(stalled).output, Buffer.alloc(8))).rejects.toMatchObject({
      errno: LIBUSB.TRANSFER_STALL,
    });
    const denied = new FakeUsb([new SimulatedModem()], {
      accessDenied: true,
    }).getDeviceList()[0] as UsbDeviceLike;
    expect(() => denied.open()).toThrow(expect.objectContaining({ errno: LIBUSB.ERROR_ACCESS }));
  });

  it('fails transfers with NO_DEVICE after an unplug and emits detach, then attach on return', async () => {
    const modem = new SimulatedModem({ profile: 'eg25g' });
    const fake = new FakeUsb([modem]);
    const events: string[] = [];
    fake.usb.on('attach', (d: FakeUsbDevice) =>
      events.push(`attach ${d.deviceDescriptor.idProduct.toString(16)}`),
    );
    fake.usb.on('detach', () => events.push('detach'));
    const device = fake.getDeviceList()[0] as UsbDeviceLike;
    device.open();
    const { input, output } = endpoints(device);
    await inTransfer(input, 512);
    modem.unplug();
    await expect(inTransfer(input, 512)).rejects.toMatchObject({
      errno: LIBUSB.TRANSFER_NO_DEVICE,
    });
    await expect(outTransfer(output, Buffer.alloc(8))).rejects.toMatchObject({
      errno: LIBUSB.TRANSFER_NO_DEVICE,
    });
    expect(fake.getDeviceList()).toEqual([]);
    modem.powerOn('edl');
    expect(events).toEqual(['detach', 'attach 9008']);
  });
});
