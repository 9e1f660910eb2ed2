/**
 * The timing model: an RM500Q whose only time is its USB 2.0 link (40 MB/s), its SDX55
 * NAND program rate (3.86 MB/s) and 5 ms per command (no digest, erase or boot time: their
 * real values are not public). A full flash against the device's own time, a re-flash of
 * the unchanged package with --skip-unchanged against the full flash, and 1–16 modems
 * flashed at once from one process.
 *
 * @module
 */
import type { SimulatedModem } from '../src/sim/modem.js';
import { measure } from './cases-host.js';
import type { FlashReport } from '../src/flash/flash-report.js';
import type { FirmwarePackage } from '../src/package/read-package.js';
import { loadSim, loadSubject, type Subject, type SubjectSim } from './subject.js';

/** The model's rates. */
export const MODEL = { usbBytesPerSecond: 40e6, programBytesPerSecond: 3.86e6, commandMs: 5 };

const modelledModem = (sim: SubjectSim): SimulatedModem =>
  new sim.SimulatedModem({
    profile: 'rm500q',
    holdEdl: true,
    timing: {
      dataTimeScale: 1,
      overrides: {
        bannerMs: 1,
        commandMs: MODEL.commandMs,
        firstEraseMs: 0,
        eraseMsPerBlock: 0,
        digestMsPerMiB: 0,
        usbBytesPerSecond: MODEL.usbBytesPerSecond,
        programBytesPerSecond: MODEL.programBytesPerSecond,
        bootMs: 0,
        edlBootMs: 1,
      },
    },
  });

/** A full flash (wall and the device's own time), then the unchanged package again. */
export async function modelled(o: { subject: string; root: string }): Promise<{
  bytes: number;
  seconds: number;
  deviceSeconds: number;
  reflashSeconds: number;
  reflashSkipped: number;
}> {
  const qfh = await loadSubject(o.subject);
  const sim = await loadSim(o.subject);
  const pkg = await qfh.readPackage(o.root, { verifyMd5: false });
  const modem = modelledModem(sim);
  const full = await measure(() =>
    qfh.flash(pkg, modem.connect(), { verify: true, accept: ['allow-missing-md5'] }),
  );
  const deviceSeconds = modem.deviceTimeMs / 1000;
  // The modem boots on an unref'd timer: keep this process alive until it is back.
  const alive = setInterval(() => undefined, 1000);
  await modem.waitForEnumeration().finally(() => clearInterval(alive));
  const again = await measure(() =>
    qfh.flash(pkg, modem.connect(), {
      verify: true,
      accept: ['allow-missing-md5'],
      skipUnchanged: true,
    }),
  );
  return {
    bytes: full.result.bytes,
    seconds: full.seconds,
    deviceSeconds,
    reflashSeconds: again.seconds,
    reflashSkipped: again.result.ops.filter((op) => 'skipped' in op && op.skipped).length,
  };
}

/**
 * The modems flashed at once: by `flashMany`, as `qfh flash --all` does, where the tree has
 * it; else each `flash()` in a Promise.all. Every modem must be flashed.
 */
async function flashAll(
  qfh: Subject,
  pkg: FirmwarePackage,
  modems: readonly SimulatedModem[],
): Promise<FlashReport[]> {
  const options = { verify: true, accept: ['allow-missing-md5'] as const };
  if (!qfh.flashMany)
    return Promise.all(modems.map((m) => qfh.flash(pkg, m.connect(), { ...options })));
  const result = await qfh.flashMany(
    modems.map((m, i) => ({
      device: `sim#${i + 1}`,
      connect: async () => ({ mode: 'edl' as const, transport: m.connect() }),
    })),
    { ...options, firmware: pkg },
  );
  return result.devices.map((d) => {
    if (!d.report || d.outcome !== 'flashed')
      throw d.error ?? new Error(`${d.device}: ${d.outcome}`);
    return d.report;
  });
}

/** `n` modems at once, for each n: aggregate MB/s and CPU per device. */
export async function many(o: {
  subject: string;
  root: string;
  counts: readonly number[];
}): Promise<{ n: number; bytes: number; seconds: number; cpu: number }[]> {
  const qfh = await loadSubject(o.subject);
  const sim = await loadSim(o.subject);
  const pkg = await qfh.readPackage(o.root, { verifyMd5: false });
  const out: { n: number; bytes: number; seconds: number; cpu: number }[] = [];
  for (const n of o.counts) {
    const modems = Array.from({ length: n }, () => modelledModem(sim));
    const { result, seconds, cpu } = await measure(() => flashAll(qfh, pkg, modems));
    out.push({ n, bytes: result.reduce((s, r) => s + r.bytes, 0), seconds, cpu });
  }
  return out;
}
