/**
 * `qfh demo`: no hardware, no arguments. Builds a package shaped like the EG25-G 30.006 one,
 * flashes it onto the simulated EG25-G with the real flash path (Sahara upload, Firehose in
 * QFirehose's order, verification), checks the simulated NAND byte for byte against the
 * images, and prints the report.
 *
 * @module
 */
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flash } from '../flash/flash.js';
import type { FlashPlan } from '../plan/types.js';
import { buildDemoPackage } from '../sim/demo-package.js';
import { SimulatedModem } from '../sim/modem.js';
import { ExitCode } from './exit-codes.js';
import { renderReport } from './flash-command.js';
import type { CliOutput } from './output.js';
import { progressRenderer } from './progress.js';

/** Runs the demo. */
export async function runDemo(
  o: { keep: boolean; json: boolean; tty: boolean },
  out: CliOutput,
): Promise<number> {
  const parent = await mkdtemp(join(tmpdir(), 'qfh-demo-'));
  try {
    const root = await buildDemoPackage(parent);
    const say = (t: string): void => (o.json ? undefined : out.stdout(`${t}\n`));
    say(`qfh demo: built a firmware package shaped like Quectel's EG25-G 30.006 one in ${root}`);
    const modem = new SimulatedModem({ profile: 'eg25g' });
    say(
      `qfh demo: flashing it onto a simulated ${modem.profile.module} (${modem.profile.chip}, 256 MiB NAND) in EDL (05c6:9008)…`,
    );
    const progress = progressRenderer(o.json ? 'json' : o.tty ? 'tty' : 'plain', out);
    let plan: FlashPlan | undefined;
    const report = await flash(root, modem.connect(), {
      onProgress: (p) => progress.onProgress(p),
      onPlan: (p) => (plan = p),
    });
    progress.stop();
    // The demo's own check: every programmed range holds its image, zero-padded.
    let matched = 0;
    let programs = 0;
    for (const op of plan?.ops ?? []) {
      if (op.kind !== 'program' || op.startSector === undefined || !op.file) continue;
      programs++;
      const expected = new Uint8Array(op.sectors * op.sectorSize);
      expected.set(await readFile(join(root, op.file)));
      if (
        Buffer.from(modem.storage.export(op.lun, op.startSector, op.sectors)).equals(
          Buffer.from(expected),
        )
      )
        matched++;
    }
    if (o.json)
      out.stdout(
        `${JSON.stringify({ event: 'report', ...report, storageCheck: { images: programs, matched } })}\n`,
      );
    else {
      out.stdout(`${renderReport(report).join('\n')}\n`);
      out.stdout(
        `qfh demo: storage check: ${matched} of ${programs} images are on the simulated NAND byte for byte.\n`,
      );
      out.stdout(
        `qfh demo: the modem reset and is now ${modem.state === 'edl' ? 'still in EDL' : 'rebooting into the new firmware'}.\n`,
      );
      out.stdout(
        `Next: \`qfh plan ${o.keep ? root : 'DIR'}\` shows a plan, \`qfh simulate\` runs this simulator on a TCP port, \`qfh flash DIR\` flashes a real modem.\n`,
      );
    }
    return matched === programs && report.ok ? ExitCode.OK : ExitCode.FAILURE;
  } finally {
    if (!o.keep) await rm(parent, { recursive: true, force: true });
  }
}
