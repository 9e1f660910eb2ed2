import assert from 'node:assert/strict';
import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { flash } from '../../../../src/flash/index.js';
import { waitForEdlDevice } from '../bus.js';
import type { UsbCase } from '../harness.js';
import { checkNandDump, NAND_FIXTURE_SCALE, nandPackage } from '../packages.js';
import { bulkTransfers, deviceTransfersOut, readUsbmonPcap } from '../pcap.js';
import { startSimulator } from '../simulator.js';
import { startCapture } from '../usbmon.js';
import { openEdl } from './open-edl.js';

/** A whole flash of the EG25-G through the kernel, captured with usbmon. */
export const flashNand: UsbCase = {
  name: 'flash + verify eg25g (NAND, 8 KiB payloads), demo-shaped package; storage = independent image; usbmon pcap',
  async run(ctx) {
    const pkg = await nandPackage(ctx.work, NAND_FIXTURE_SCALE);
    ctx.log('package built');
    const sim = await startSimulator(ctx, { profile: 'eg25g' });
    const dev = await waitForEdlDevice();
    ctx.log(`device ${dev.name}`);
    const pcap = join(ctx.results, 'flash-eg25g.pcap');
    const capture = await startCapture(dev.busnum, pcap);
    ctx.log('capturing');
    const usb = await openEdl(ctx);
    ctx.log('opened');
    const report = await flash(pkg, usb).finally(() => usb.close());
    ctx.log('flashed');
    const counts = await capture.stop();
    const { lun0 } = await sim.stop();
    ctx.log('simulator stopped, storage dumped');
    const ranges = await checkNandDump(pkg, lun0);
    await rm(lun0);
    ctx.log('storage checked');
    assert.equal(report.ok, true);
    assert.equal(report.state, 'flashed');
    const programs = report.ops.filter((o) => o.kind === 'program');
    assert.ok(
      programs.length > 0 && programs.every((o) => o.verified === 'read-back'),
      'not every image was read back',
    );
    const transfers = bulkTransfers(readUsbmonPcap(await readFile(pcap)), dev.devnum);
    const largest = Math.max(...deviceTransfersOut(transfers));
    assert.equal(
      largest,
      8192,
      'the largest transfer the device received is not one 8 KiB payload',
    );
    assert.equal(counts.dropped, 0, 'usbmon dropped events');
    const kb = Math.round((await stat(pcap)).size / 1024);
    return `${programs.length} images, ${report.bytes} bytes in ${report.seconds.toFixed(1)} s, ${ranges} ranges equal; largest transfer ${largest}; pcap ${kb} KiB, ${counts.captured} events`;
  },
};
