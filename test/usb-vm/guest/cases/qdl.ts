/**
 * Debian's `qdl` (linux-msm/qdl, Qualcomm's own host, a 2022 snapshot) drives the simulator
 * through the kernel's USB stack, one case per storage kind: a third party's code uploads the
 * simulator's programmer over Sahara and flashes a rawprogram package, and the storage must
 * equal the image computed independently. qdl writes each packet as its own bulk transfer
 * and ends every document with a newline, habits qfh's own host does not have.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { waitForEdlDevice } from '../bus.js';
import type { CaseContext, UsbCase } from '../harness.js';
import {
  checkEmmcDump,
  checkNandDump,
  EMMC_SMALL,
  EMMC_SMALL_FIRST_SECTOR,
  emmcPackage,
  NAND_FIXTURE_SCALE,
  nandPackage,
} from '../packages.js';
import { startSimulator } from '../simulator.js';

const run = promisify(execFile);

/** Runs qdl in `dir` against the simulated `profile`; returns the storage dump of LUN 0. */
async function qdlFlash(
  ctx: CaseContext,
  c: { profile: string; storage: string; dir: string; programmer: string; rawprogram: string },
): Promise<string> {
  const sim = await startSimulator(ctx, { profile: c.profile });
  await waitForEdlDevice();
  const args = ['--debug', '--storage', c.storage, c.programmer, c.rawprogram];
  const ran = await run('qdl', args, { cwd: c.dir, timeout: 150_000 }).catch(
    (e: Error & { stdout?: string; stderr?: string }) => e,
  );
  await writeFile(
    join(ctx.results, `qdl-${c.storage}.log`),
    `${ran.stdout ?? ''}${ran.stderr ?? ''}`,
  );
  if (ran instanceof Error) throw new Error(`qdl failed: ${ran.message.split('\n')[0]}`);
  return (await sim.stop()).lun0;
}

/** qdl's Debian version, for the summary. */
async function qdlVersion(): Promise<string> {
  const { stdout } = await run('dpkg-query', ['-W', '-f', '${Version}', 'qdl']);
  return `qdl ${stdout.trim()}`;
}

/** The images of an Android package (file, label, bytes), as in the eMMC flash case. */
const ANDROID = EMMC_SMALL;

export const qdlEmmc: UsbCase = {
  name: "Debian's qdl flashes msm8953-emmc (Sahara upload + rawprogram) through the kernel; storage = independent image",
  timeoutMs: 180_000,
  async run(ctx) {
    const dir = await emmcPackage(join(ctx.work, 'qdl'), ANDROID, EMMC_SMALL_FIRST_SECTOR);
    const programmer = 'prog_emmc_firehose_8953_ddr.mbn';
    const o = { profile: 'msm8953-emmc', storage: 'emmc', dir, programmer };
    const lun0 = await qdlFlash(ctx, { ...o, rawprogram: 'rawprogram0.xml' });
    return `${await qdlVersion()}: ${await checkEmmcDump(dir, lun0)} ranges equal`;
  },
};

export const qdlUfs: UsbCase = {
  name: "Debian's qdl flashes sm8150-ufs (4096-byte sectors) through the kernel; storage = independent image",
  timeoutMs: 180_000,
  async run(ctx) {
    const dir = await emmcPackage(join(ctx.work, 'qdl'), ANDROID, 4096, 4096);
    const programmer = 'prog_emmc_firehose_8953_ddr.mbn';
    const o = { profile: 'sm8150-ufs', storage: 'ufs', dir, programmer };
    const lun0 = await qdlFlash(ctx, { ...o, rawprogram: 'rawprogram0.xml' });
    return `${await qdlVersion()}: ${await checkEmmcDump(dir, lun0)} ranges equal`;
  },
};

/**
 * The EG25-G package for qdl. qdl reads a NAND `<program>`'s `label` and `last_sector`, which
 * Quectel's rawprogram (and so the demo's) does not carry, and opens `..\sbl1.mbn` as one
 * name: so the lines gain both attributes and every image sits beside the rawprogram. What is
 * flashed, and where, is the package's own.
 */
async function qdlNandFolder(root: string, dir: string): Promise<string> {
  const name = 'rawprogram_nand_p2K_b128K_update.xml';
  const xml = await readFile(join(root, 'update/firehose', name), 'utf8');
  await mkdir(dir, { recursive: true });
  const rewritten = xml.replace(/<program ([^>]*)\/>/g, (_line, attrs: string) => {
    const file = /filename="(?:\.\.\\)?([^"]+)"/.exec(attrs)?.[1] ?? '';
    const start = Number(/start_sector="(\d+)"/.exec(attrs)?.[1]);
    const count = Number(/num_partition_sectors="(\d+)"/.exec(attrs)?.[1]);
    const plain = attrs.replace(/filename="[^"]*"/, `filename="${file}"`);
    return `<program ${plain} label="${basename(file)}" last_sector="${start + count - 1}"/>`;
  });
  await writeFile(join(dir, name), rewritten);
  for (const file of new Set([...rewritten.matchAll(/filename="([^"]+)"/g)].map((m) => m[1]))) {
    const inFirehose = join(root, 'update/firehose', file ?? '');
    await copyFile(inFirehose, join(dir, file ?? '')).catch(() =>
      copyFile(join(root, 'update', file ?? ''), join(dir, file ?? '')),
    );
  }
  await copyFile(
    join(root, 'update/firehose/prog_nand_firehose_9x07.mbn'),
    join(dir, 'prog_nand_firehose_9x07.mbn'),
  );
  return name;
}

export const qdlNand: UsbCase = {
  name: "Debian's qdl flashes eg25g (NAND: erases, then programs) through the kernel; storage = independent image",
  timeoutMs: 180_000,
  async run(ctx) {
    const root = await nandPackage(join(ctx.work, 'pkg'), NAND_FIXTURE_SCALE);
    const dir = join(ctx.work, 'qdl');
    const rawprogram = await qdlNandFolder(root, dir);
    const programmer = 'prog_nand_firehose_9x07.mbn';
    const o = { profile: 'eg25g', storage: 'nand', dir, programmer, rawprogram };
    const lun0 = await qdlFlash(ctx, o);
    return `${await qdlVersion()}: ${await checkNandDump(root, lun0)} ranges equal`;
  },
};
