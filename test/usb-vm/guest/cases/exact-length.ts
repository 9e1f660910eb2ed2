/**
 * A host with no ZLPs, through the kernel: every Sahara READ_DATA is answered with exactly the
 * bytes asked for in one libusb transfer (a 4 KiB answer is eight whole packets and nothing
 * after), and after `<configure ZlpAwareHost="0">` a 2.5 MiB image goes out in 1 MiB
 * transfers, the last of whole packets, with no ZLP either. The simulator behind FunctionFS
 * must read exact lengths as a real PBL and programmer do. The host is the tests' independent
 * one (test/helpers/independent-host.ts), on the real `usb` module.
 */
import assert from 'node:assert/strict';
import { waitForEdlDevice } from '../bus.js';
import type { UsbCase } from '../harness.js';
import { buildTestProgrammer } from '../../../../src/sim/index.js';
import type { UsbDeviceLike } from '../../../../src/transport/usb-api.js';
import { endpoints, untilResponse, uploadExact, xml } from '../../../helpers/independent-host.js';
import { startSimulator } from '../simulator.js';
import { matchesDump } from '../packages.js';

const PAYLOAD = 1 << 20;
const START = 8192;

export const exactLength: UsbCase = {
  name: 'exact-length host, no ZLP: Sahara answers of whole packets, then ZlpAwareHost=0 raw data; storage = the image',
  async run(ctx) {
    const sim = await startSimulator(ctx, { profile: 'msm8953-emmc' });
    await waitForEdlDevice();
    // libusb learns of the device from udev, a moment after sysfs shows it.
    const edl = () =>
      ctx.usb.getDeviceList().find((d) => {
        const id = d.deviceDescriptor;
        return id.idVendor === 0x05c6 && id.idProduct === 0x9008;
      });
    for (let i = 0; i < 100 && !edl(); i++) await new Promise((r) => setTimeout(r, 100));
    const device = edl();
    assert.ok(device, 'no 05c6:9008 in libusb within 10 s');
    const io = endpoints(device as UsbDeviceLike);
    const lengths = await uploadExact(io, buildTestProgrammer());
    const whole = lengths.filter((n) => n % 512 === 0).length;
    assert.ok(whole > 0, 'no READ_DATA answer was whole packets');
    await io.write(
      xml(
        `<configure MemoryName="emmc" MaxPayloadSizeToTargetInBytes="${PAYLOAD}" ZlpAwareHost="0" SkipStorageInit="0" />`,
      ),
    );
    assert.match(await untilResponse(io), /<response value="ACK"/);
    const image = Buffer.alloc(PAYLOAD * 2 + PAYLOAD / 2);
    for (let i = 0; i < image.length; i += 4) image.writeUInt32LE((i * 2654435761) >>> 0, i);
    await io.write(
      xml(
        `<program SECTOR_SIZE_IN_BYTES="512" num_partition_sectors="${image.length / 512}" physical_partition_number="0" start_sector="${START}" filename="x.bin" />`,
      ),
    );
    assert.match(await untilResponse(io), /rawmode="true"/);
    for (let at = 0; at < image.length; at += PAYLOAD)
      await io.write(image.subarray(at, Math.min(at + PAYLOAD, image.length)));
    assert.match(await untilResponse(io), /<response value="ACK" rawmode="false"/);
    device?.close();
    const { lun0, stdout } = await sim.stop();
    assert.ok(await matchesDump(lun0, START * 512, image), 'the dump differs from the image');
    const zlps = /\(\+(\d+) ZLPs\)/.exec(stdout)?.[1];
    assert.equal(zlps, '0', `the device saw ZLPs from a host that sent none: ${zlps}`);
    return `${lengths.length} READ_DATA answered exactly (${whole} of whole packets), 2.5 MiB programmed with ZlpAwareHost=0; no ZLP; storage equal`;
  },
};
