/**
 * The host pipeline, measured inside one process: a flash with verification onto a
 * simulator in another process (TCP), and flashes without verification onto an in-process
 * simulator that discards what it is sent (a small one and a big one, so the fixed cost can
 * be taken out).
 *
 * @module
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { startSimServer } from './spawn.js';
import { loadSim, loadSubject } from './subject.js';

/** CPU seconds of this process (every thread) and wall seconds of `fn`. */
export async function measure<T>(
  fn: () => Promise<T>,
): Promise<{ result: T; seconds: number; cpu: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await fn();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { result, seconds, cpu: (cpu.user + cpu.system) / 1e6 };
}

/** One flash's cost. */
export interface FlashCost {
  readonly bytes: number;
  readonly cpu: number;
  readonly seconds: number;
}

/** With verification, onto the subject's simulator in its own process: each root in turn. */
export async function hostVerify(o: {
  subject: string;
  roots: readonly string[];
  profile: string;
}): Promise<(FlashCost & { simCpu: number; simWritten: number })[]> {
  const qfh = await loadSubject(o.subject);
  const out: (FlashCost & { simCpu: number; simWritten: number })[] = [];
  for (const root of o.roots) {
    const pkg = await qfh.readPackage(root, { verifyMd5: false });
    const server = await startSimServer({
      subject: o.subject,
      profile: o.profile,
      discard: false,
      touchBytes: await folderBytes(root),
    });
    const transport = await qfh.openTcpTransport('127.0.0.1', server.port);
    const { result, cpu, seconds } = await measure(() =>
      qfh.flash(pkg, transport, { verify: true, accept: ['allow-missing-md5'] }),
    );
    await transport.close();
    const sim = await server.stop();
    if (!result.ops.some((op) => op.verified === 'sha256'))
      throw new Error('the verified flash was not verified by getsha256digest');
    out.push({ bytes: result.bytes, cpu, seconds, simCpu: sim.cpu, simWritten: sim.written });
  }
  return out;
}

/**
 * Without verification, onto an in-process simulator that discards what it is sent: each
 * run in turn, with its own profile (so UFS and NAND flashes can alternate in one process
 * and see the same machine).
 */
export async function hostNoVerify(o: {
  subject: string;
  runs: readonly { root: string; profile: string }[];
}): Promise<FlashCost[]> {
  const qfh = await loadSubject(o.subject);
  const sim = await loadSim(o.subject);
  const out: FlashCost[] = [];
  for (const { root, profile } of o.runs) {
    const base = sim.profile(profile);
    const pkg = await qfh.readPackage(root, { verifyMd5: false });
    const modem = new sim.SimulatedModem({
      profile: {
        ...base,
        partitionTable: undefined,
        storage: { ...base.storage, discardWrites: true },
      },
      // Not 0: a 0 ms banner took a path that threw in trees before b8b8d76.
      timing: { overrides: { bannerMs: 1 } },
    });
    const { result, cpu, seconds } = await measure(() =>
      qfh.flash(pkg, modem.connect(), { verify: false, accept: ['allow-missing-md5'] }),
    );
    out.push({ bytes: result.bytes, cpu, seconds });
  }
  return out;
}

/** Bytes of the files at the top of a package folder (the bench's UFS packages are flat). */
async function folderBytes(root: string): Promise<number> {
  const entries = await readdir(root, { withFileTypes: true });
  const sizes = await Promise.all(
    entries.filter((e) => e.isFile()).map(async (e) => (await stat(join(root, e.name))).size),
  );
  return sizes.reduce((a, b) => a + b, 0);
}
