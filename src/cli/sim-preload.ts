/**
 * `qfh simulate --preload PACKAGE`: the simulated modem starts as a flashed one, with the
 * package's images (and its patched GPT or NAND table) on its storage, so a host can read
 * partitions, back them up or re-flash over real contents. The package goes on through qfh's
 * own checked flash, at no protocol delay, before the simulator starts serving.
 *
 * @module
 */
import { UsageError } from '../errors.js';
import { FlashError } from '../flash/flash-report.js';
import { flash } from '../flash/node-flash.js';
import { SimulatedModem } from '../sim/modem.js';
import { storageTraits } from '../storage-kind.js';
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
  } catch (e) {
    // A flash's own advice ("then run: qfh flash …") would send the user to a real modem.
    if (!(e instanceof FlashError)) throw e;
    throw new UsageError('QFH_USAGE', `--preload ${packagePath}: ${e.message}`, {
      hint: `The package is not for this simulator (--profile ${c.profile}: ${modem.profile.module}, ${storageTraits(modem.profile.storage.kind).displayName} storage). Preload one made for it, or pick the profile the package is for (qfh simulate --help lists them).`,
      cause: e,
    });
  } finally {
    await link.close();
  }
}
