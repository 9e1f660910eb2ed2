/**
 * The modelled benchmarks: an RM500Q-shaped package on the simulator's timing model (its
 * USB link, NAND program rate and command latency running in real time), and many modems
 * flashed at once from one process.
 *
 * @module
 */
import { join } from 'node:path';
import { flashMany, type FleetTarget } from '../src/fleet/index.js';
import { flash } from '../src/flash/index.js';
import { readPackage } from '../src/package/index.js';
import { SimulatedModem } from '../src/sim/index.js';
import { nandPackage, rawImage, RM500Q_IMAGES } from './fixtures.js';
import { measure, MiB, quick, record } from './figures.js';

/** The model: USB 2.0 HS, SDX55 NAND at 3.86 MB/s, 5 ms per command; nothing else takes time. */
const TIMING = {
  usbBytesPerSecond: 40e6,
  programBytesPerSecond: 3.86e6,
  commandLatencyMs: 5,
};

/** The generated packages have no md5.txt: nothing to check their images against. */
const NO_MD5 = ['allow-missing-md5'] as const;

/** An RM500Q whose only time is the model's. */
const modelledModem = (): SimulatedModem =>
  new SimulatedModem({
    profile: 'rm500q',
    timing: {
      dataTimeScale: 1,
      overrides: {
        bannerMs: 0,
        commandMs: TIMING.commandLatencyMs,
        firstEraseMs: 0,
        eraseMsPerBlock: 0,
        digestMsPerMiB: 0,
        usbBytesPerSecond: TIMING.usbBytesPerSecond,
        programBytesPerSecond: TIMING.programBytesPerSecond,
        bootMs: 0,
        edlBootMs: 0,
      },
    },
  });

function deviceBound(modem: SimulatedModem, rawBytes: number, programmerBytes: number): number {
  const commands = modem.firehoseRuns.reduce((n, r) => n + r.commands.length, 0);
  return (
    (rawBytes + programmerBytes) / TIMING.usbBytesPerSecond +
    rawBytes / TIMING.programBytesPerSecond +
    (commands * TIMING.commandLatencyMs) / 1000
  );
}

/** Item 3: an RM500Q-shaped package on the timing model (USB 2.0 HS, SDX55 NAND at 3.86 MB/s). */
export async function modelled(work: string): Promise<void> {
  const scale = quick ? 0.08 : 1;
  const root = join(work, 'rm500q-pkg');
  const images = RM500Q_IMAGES.map((i) => ({
    file: i.file,
    bytes: Math.round((i.bytes * scale) / 4096) * 4096,
  }));
  await nandPackage(root, images);
  for (const i of images) await rawImage(join(root, 'update', i.file), i.bytes);
  const pkg = await readPackage(root, { verifyMd5: false });
  const modem = modelledModem();
  const { result, seconds } = await measure(() =>
    flash(pkg, modem.connect(), { verify: true, accept: NO_MD5 }),
  );
  const bound = deviceBound(modem, result.bytes, 0x425a8 + 0x1000);
  record(
    'modelled.rm500q.wall-vs-device',
    seconds,
    's',
    bound,
    `${(result.bytes / 1e6).toFixed(1)} MB (the real QFirehose run of 191.9 MB took 53.75 s); limit: bytes over the modelled USB and NAND rates plus per-command latency`,
  );
}

/** A simulated modem in EDL as a flashMany target. */
const simTarget = (modem: SimulatedModem, i: number): FleetTarget => ({
  device: `sim:rm500q#${i + 1}`,
  connect: async () => ({ mode: 'edl', transport: modem.connect() }),
});

/**
 * Item 4: 1–16 modems flashed at once from this process by flashMany, each bound by its own
 * modelled link and NAND; the CPU of the process per device beside it.
 */
export async function manyDevices(work: string): Promise<void> {
  const root = join(work, 'many-pkg');
  const bytes = quick ? 3 * MiB : 12 * MiB;
  await nandPackage(root, [{ file: 'a.ubi', bytes }]);
  await rawImage(join(root, 'update/a.ubi'), bytes);
  const pkg = await readPackage(root, { verifyMd5: false });
  let single = 0;
  for (const n of [1, 2, 4, 8, 16]) {
    const modems = Array.from({ length: n }, () => modelledModem());
    const { result, seconds, cpu } = await measure(() =>
      flashMany(modems.map(simTarget), { firmware: pkg, verify: true, accept: NO_MD5 }),
    );
    const failed = result.devices.find((d) => d.outcome !== 'flashed');
    if (failed) throw failed.error ?? new Error(`${failed.device} ${failed.outcome}`);
    const aggregate = (n * bytes) / 1e6 / seconds;
    if (n === 1) single = aggregate;
    record(
      `many.${n}.aggregate`,
      aggregate,
      'MB/s',
      n * single,
      `${n} modem(s) × ${(bytes / MiB).toFixed(0)} MiB by flashMany; limit: ${n} × one device's throughput (ratio = scaling efficiency)`,
    );
    record(
      `many.${n}.cpu-per-device`,
      cpu / n / seconds,
      'cores',
      1,
      `CPU of the qfh process per device, as a fraction of one core (${((cpu / n) * 1000).toFixed(0)} ms of CPU per device in ${seconds.toFixed(2)} s)`,
    );
  }
}
