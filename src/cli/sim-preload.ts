/**
 * `qfh simulate --preload PACKAGE`: the simulated modem starts as a flashed one, with the
 * package's images (and its patched GPT or NAND table) on its storage, so a host can read
 * partitions, back them up or re-flash over real contents. The package goes on through qfh's
 * own checked flash, at no protocol delay, before the simulator starts serving.
 *
 * @module
 */
import { flash } from '../flash/node-flash.js';
import { SimulatedModem } from '../sim/modem.js';
import type { Storage } from '../sim/storage/storage.js';

/** Flashes `packagePath` onto `storage` (a `profile` device); resolves to the images written. */
export async function preloadPackage(
  packagePath: string,
  c: { profile: string; storage: Storage },
): Promise<number> {
  const modem = new SimulatedModem({
    profile: c.profile,
    storage: c.storage,
    timing: { protocol: 'instant' },
    holdEdl: true,
  });
  const link = modem.connect();
  try {
    const report = await flash(packagePath, link, {});
    return report.ops.filter((o) => o.kind === 'program').length;
  } finally {
    await link.close();
  }
}
