/**
 * `qfh demo`: no hardware, no arguments. Builds a package shaped like the EG25-G 30.006 one,
 * flashes it onto the simulated EG25-G with the real flash path (Sahara upload, Firehose in
 * QFirehose's order, verification), checks the simulated NAND byte for byte against the
 * images, and prints the report.
 *
 * @module
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flash } from '../../flash/node-flash.js';
import type { FlashPlan } from '../../plan/types.js';
import { buildDemoPackage } from '../../sim/demo-package.js';
import { SimulatedModem } from '../../sim/modem.js';
import { defineCommand } from '../command.js';
import { ExitCode } from '../exit-codes.js';
import { withJson } from '../options.js';
import { progressRenderer } from '../progress.js';
import { renderReport } from '../render-report.js';

/** How many programmed ranges hold their image (zero-padded), read from the simulated NAND. */
async function storageCheck(
  plan: FlashPlan | undefined,
  c: { root: string; modem: SimulatedModem },
): Promise<{ images: number; matched: number }> {
  let images = 0;
  let matched = 0;
  for (const op of plan?.ops ?? []) {
    const start = op.kind === 'program' ? op.target.startSector : undefined;
    if (op.kind !== 'program' || start === undefined || !op.file) continue;
    images++;
    const expected = new Uint8Array(op.target.sectors * op.target.sectorSize);
    expected.set(await readFile(join(c.root, op.file)));
    const held = c.modem.storage.export(op.target.lun, start, op.target.sectors);
    if (Buffer.from(held).equals(Buffer.from(expected))) matched++;
  }
  return { images, matched };
}

export const demoCommand = defineCommand({
  syntax: ['demo'],
  describe:
    'No hardware needed: build an EG25-G-shaped firmware package, flash it onto the simulated modem, check the result',
  examples: [
    ['qfh demo', 'the whole flash on the simulator, in a few seconds'],
    ['qfh demo --keep', 'keep the generated package to try qfh plan on it'],
  ],
  options: (y) =>
    withJson(
      y.option('keep', {
        type: 'boolean',
        default: false,
        describe: 'keep the generated package folder',
      }),
    ),
  run: async (argv, ctx) => {
    const parent = await mkdtemp(join(tmpdir(), 'qfh-demo-'));
    try {
      const root = await buildDemoPackage(parent);
      const say = (t: string): void =>
        void (ctx.events.json ? undefined : ctx.out.stdout(`${t}\n`));
      say(`qfh demo: built a firmware package shaped like Quectel's EG25-G 30.006 one in ${root}`);
      const modem = new SimulatedModem({ profile: 'eg25g' });
      say(
        `qfh demo: flashing it onto a simulated ${modem.profile.module} (${modem.profile.chip}, 256 MiB NAND) in EDL (05c6:9008)…`,
      );
      const mode = ctx.events.json ? 'json' : ctx.terminal.isTTY ? 'tty' : 'plain';
      const progress = progressRenderer(mode, { out: ctx.out, events: ctx.events });
      let plan: FlashPlan | undefined;
      const report = await flash(root, modem.connect(), {
        onProgress: (p) => progress.onProgress(p),
        onPlan: (p) => (plan = p),
      });
      progress.stop();
      const check = await storageCheck(plan, { root, modem });
      const ok = check.matched === check.images && report.ok;
      const exitCode = ok ? ExitCode.OK : ExitCode.FAILURE;
      ctx.events.emit({ event: 'report', report });
      ctx.events.emit({
        event: 'result',
        command: 'demo',
        ok,
        exitCode,
        data: { storageCheck: check },
      });
      say(renderReport(report).join('\n'));
      say(
        `qfh demo: storage check: ${check.matched} of ${check.images} images are on the simulated NAND byte for byte.`,
      );
      say(
        `qfh demo: the modem reset and is now ${modem.state === 'edl' ? 'still in EDL' : 'rebooting into the new firmware'}.`,
      );
      say(
        `Next: \`qfh plan ${argv.keep ? root : 'DIR'}\` shows a plan, \`qfh simulate\` runs this simulator on a TCP port, \`qfh flash DIR\` flashes a real modem.`,
      );
      return exitCode;
    } finally {
      if (!argv.keep) await rm(parent, { recursive: true, force: true });
    }
  },
});
