/**
 * What the README's and `--help`'s commands are run against here, where there is no modem and
 * no firmware download: the stand-ins below, and nothing else. README.md ("This README is a
 * test") shows this table to readers; a command is run as written, with only these
 * substitutions, in a folder that holds the stand-in files under the names the docs use.
 *
 * | In the docs                                  | Run here as                               |
 * | -------------------------------------------- | ----------------------------------------- |
 * | `qfh`, `npx qfh`                             | this tree's `bin/qfh.js` (a `qfh` on PATH)  |
 * | a firmware folder (`./EG25GG…`, `./fw`, …)   | the demo package, under that name           |
 * | a firmware zip (`FW.zip`, `./fw.zip`, …)     | the demo package as a downloaded zip        |
 * | `system.img`                                 | a small Android sparse image                |
 * | a programmer (`prog_nand_firehose_9x07.mbn`)   | the test programmer the simulator accepts   |
 * | a delta (`./delta.zip`, `…30.006-30.007.zip`)  | a small zip (qfh checks a delta is one)      |
 * | `qfh-update-*.json`                          | records of updates of `sim:eg25g:normal`,   |
 * |                                              | made by `qfh flash` before the docs' commands |
 * | `--device usb:…` / a flash with no device    | `--device sim:eg25g` (a modem in EDL)       |
 * | `--device /dev/ttyUSB…`                      | `--device sim:eg25g:normal` (its AT port)   |
 */
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildDemoPackage } from '../../src/sim/demo-package.js';
import { buildTestProgrammer } from '../../src/sim/programmer-image.js';
import { encodeSparse } from '../../src/sparse/encode.js';
import { writeDeltaZip, zipFolder } from '../helpers/zip.js';
import { BIN, qfhIn } from '../helpers/cli.js';

const DEMO = 'EG25GGBR07A08M2G_30.006.30.006';
/** Firmware folders the docs name: each is the demo package. */
const FOLDERS = ['RM500QGLAAR11A06M4G_01.200.01.200', 'fw'];
/** Firmware zips the docs name: each is the demo package, zipped as Quectel ships it. */
const ZIPS = ['RM520NGLAAR03A03M4G_01.201.01.201.zip', 'FW.zip', 'fw.zip'];

/** Deltas the docs name: a zip qfh's delta check accepts, which the simulated module applies. */
const DELTAS = ['delta.zip', 'EG25GGBR07A08M2G_30.006-30.007.zip'];

/** Commands that reach a modem, and so get the simulated one when they name none. */
const TALKS_TO_A_MODEM = ['flash', 'edl-recover', 'info', 'backup'];

/** Programmers the docs name. */
const PROGRAMMERS = ['prog_nand_firehose_9x07.mbn'];

/**
 * Fills `dir` with the stand-in files and `o.records` update records; returns the folder to
 * put on PATH (a `qfh`).
 */
export async function prepareStandIns(dir: string, o: { records: number }): Promise<string> {
  const root = await buildDemoPackage(dir, DEMO);
  for (const name of FOLDERS) await symlink(root, join(dir, name));
  for (const name of ZIPS) await zipFolder(root, join(dir, name), { prefix: `${DEMO}/` });
  const raw = new Uint8Array(64 * 4096).map((_, i) => (i * 7) & 0xff);
  raw.fill(0, 16 * 4096, 48 * 4096);
  await writeFile(join(dir, 'system.img'), encodeSparse(raw, { blockSize: 4096 }));
  for (const name of DELTAS) await writeDeltaZip(join(dir, name));
  for (const name of PROGRAMMERS) await writeFile(join(dir, name), buildTestProgrammer());
  const bin = join(dir, '.bin');
  await mkdir(bin);
  await writeFile(join(bin, 'qfh'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`, {
    mode: 0o755,
  });
  // Updates from normal mode, as a user who updated has: a record each (each takes the
  // simulated modem's real switch and boot times, about half a minute).
  for (let i = 0; i < o.records; i++) {
    const made = await qfhIn(dir, ['flash', root, '--device', 'sim:eg25g:normal', '--yes']);
    if (made.code !== 0) throw new Error(`the stand-in update failed:\n${made.stderr}`);
  }
  return bin;
}

/** `command` as it is run here: hardware handles replaced by the simulator's. */
export function standIn(command: string): string {
  let out = command
    .replace(/^npx qfh /, 'qfh ')
    .replace(/--device usb:\S+/g, '--device sim:eg25g')
    .replace(/--device \/dev\/tty\S+/g, '--device sim:eg25g:normal');
  const sub = /^qfh ([a-z-]+)/.exec(out)?.[1];
  const named = /--device |--relay |--all\b/.test(out);
  if (sub && TALKS_TO_A_MODEM.includes(sub) && !named) out = `${out} --device sim:eg25g`;
  return out;
}
