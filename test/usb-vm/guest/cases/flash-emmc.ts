import assert from 'node:assert/strict';
import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { flash } from '../../../../src/flash/index.js';
import { waitForEdlDevice, type SysfsDevice } from '../bus.js';
import type { CaseContext, UsbCase } from '../harness.js';
import { checkEmmcDump, EMMC_SMALL, EMMC_SMALL_FIRST_SECTOR, emmcPackage } from '../packages.js';
import { bulkTransfers, deviceTransfersOut, readUsbmonPcap } from '../pcap.js';
import { startSimulator } from '../simulator.js';
import { startCapture } from '../usbmon.js';
import { openEdl } from './open-edl.js';

/** One image over 1 MiB: a whole 1 MiB payload, then the rest. */
const LARGE: readonly (readonly [string, string, number])[] = [
  ['sbl1.mbn', 'sbl1', 19_981],
  ['boot.img', 'boot', (1 << 20) + 70_001],
];

async function flashCaptured(
  ctx: CaseContext,
  pkg: string,
  pcap: string,
): Promise<{ dev: SysfsDevice; seconds: number; largest: number }> {
  const dev = await waitForEdlDevice();
  const capture = await startCapture(dev.busnum, pcap);
  const usb = await openEdl(ctx);
  const report = await flash(pkg, usb).finally(() => usb.close());
  const counts = await capture.stop();
  assert.equal(report.state, 'flashed');
  assert.ok(
    report.ops.filter((o) => o.kind === 'program').every((o) => o.verified === 'sha256'),
    'not every image was verified by digest',
  );
  assert.equal(counts.dropped, 0, 'usbmon dropped events');
  const largest = Math.max(
    ...deviceTransfersOut(bulkTransfers(readUsbmonPcap(await readFile(pcap)), dev.devnum)),
  );
  return { dev, seconds: report.seconds, largest };
}

/** Two flashes of an eMMC device through the kernel: a small one, then one with a 1 MiB payload. */
export const flashEmmc: UsbCase = {
  name: 'flash + verify msm8953-emmc (eMMC, 1 MiB payloads): small and 1.1 MiB packages; storage = independent image; usbmon pcap',
  async run(ctx) {
    const small = await emmcPackage(join(ctx.work, 'small'), EMMC_SMALL, EMMC_SMALL_FIRST_SECTOR);
    const large = await emmcPackage(join(ctx.work, 'large'), LARGE, 1_000_000);
    const sim = await startSimulator(ctx, { profile: 'msm8953-emmc' });
    const first = await flashCaptured(
      ctx,
      small,
      join(ctx.results, 'flash-msm8953-emmc-small.pcap'),
    );
    // The programmer reset the device, which left the bus: plug it back in, in EDL.
    await sim.bind();
    const second = await flashCaptured(
      ctx,
      large,
      join(ctx.results, 'flash-msm8953-emmc-large.pcap'),
    );
    const { lun0 } = await sim.stop();
    const ranges = (await checkEmmcDump(small, lun0)) + (await checkEmmcDump(large, lun0));
    await rm(lun0);
    assert.equal(second.largest, 1 << 20, 'no 1 MiB transfer reached the device');
    const kb = Math.round(
      (await stat(join(ctx.results, 'flash-msm8953-emmc-small.pcap'))).size / 1024,
    );
    return `small in ${first.seconds.toFixed(1)} s (pcap ${kb} KiB, largest transfer ${first.largest}), large in ${second.seconds.toFixed(1)} s (largest transfer ${second.largest}); ${ranges} ranges equal`;
  },
};
