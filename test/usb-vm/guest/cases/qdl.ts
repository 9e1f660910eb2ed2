/**
 * Debian's `qdl` (linux-msm/qdl, Qualcomm's own host, a 2022 snapshot) drives the simulator
 * through the kernel's USB stack: a third party's code uploads the simulator's programmer
 * over Sahara and flashes a rawprogram package, and the storage must equal the image computed
 * independently. qdl writes each packet as its own bulk transfer, so a target that did not
 * read exactly the length it asked for would wait on it.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { waitForEdlDevice } from '../bus.js';
import type { UsbCase } from '../harness.js';
import { checkEmmcDump, EMMC_SMALL, EMMC_SMALL_FIRST_SECTOR, emmcPackage } from '../packages.js';
import { startSimulator } from '../simulator.js';

const run = promisify(execFile);

/** qdl's Debian version, for the summary. */
async function qdlVersion(): Promise<string> {
  const { stdout } = await run('dpkg-query', ['-W', '-f', '${Version}', 'qdl']);
  return stdout.trim();
}

export const qdlEmmc: UsbCase = {
  name: "Debian's qdl flashes msm8953-emmc (Sahara upload + rawprogram) through the kernel; storage = independent image",
  timeoutMs: 180_000,
  async run(ctx) {
    const pkg = await emmcPackage(join(ctx.work, 'qdl'), EMMC_SMALL, EMMC_SMALL_FIRST_SECTOR);
    const sim = await startSimulator(ctx, { profile: 'msm8953-emmc' });
    await waitForEdlDevice();
    const args = [
      '--debug',
      '--storage',
      'emmc',
      'prog_emmc_firehose_8953_ddr.mbn',
      'rawprogram0.xml',
    ];
    const ran = await run('qdl', args, { cwd: pkg, timeout: 150_000 }).catch(
      (e: Error & { stdout?: string; stderr?: string }) => e,
    );
    await writeFile(join(ctx.results, 'qdl-emmc.log'), `${ran.stdout ?? ''}${ran.stderr ?? ''}`);
    if (ran instanceof Error) throw new Error(`qdl failed: ${ran.message.split('\n')[0]}`);
    const { lun0 } = await sim.stop();
    const ranges = await checkEmmcDump(pkg, lun0);
    return `qdl ${await qdlVersion()}: ${ranges} ranges equal`;
  },
};
