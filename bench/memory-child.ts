/**
 * Flashes one package onto an in-process simulator whose storage discards writes, with
 * verification off, sampling RSS; prints `{"peakRss":…,"bytes":…,"seconds":…}`. Run as a
 * child so its memory is the flash's alone.
 */
import { flash } from '../src/flash/index.js';
import { readPackage } from '../src/package/index.js';
import { profile, SimulatedModem } from '../src/sim/index.js';

const [dir, profileId] = process.argv.slice(2);
const base = profile(profileId ?? 'sm8150-ufs');
const modem = new SimulatedModem({
  profile: {
    ...base,
    partitionTable: undefined,
    storage: { ...base.storage, discardWrites: true },
  },
});
let peak = process.memoryUsage().rss;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
const started = Date.now();
// The bench packages carry no md5.txt (it would cost a hashing pass over each image first).
const report = await flash(await readPackage(dir ?? '.', { verifyMd5: false }), modem.connect(), {
  verify: false,
  accept: ['allow-missing-md5'],
});
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().rss);
console.log(
  JSON.stringify({
    peakRss: peak,
    bytes: report.bytes,
    written: modem.storage.bytesWritten,
    seconds: (Date.now() - started) / 1000,
  }),
);
