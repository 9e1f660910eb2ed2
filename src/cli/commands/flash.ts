/**
 * `qfh flash PACKAGE` and `qfh edl-recover PACKAGE`: the checked plan, shown; a question
 * (asked on the terminal stdin is, whatever stdout is) unless --yes; the pre-flight on real
 * hardware; then the flash, from normal mode when `flash` finds the modem there. Several
 * modems (`--device` repeated, or `--all`) go to fleet-run.ts; one, whatever names it, to
 * flash-run.ts. Both flash through `flashMany`.
 *
 * @module
 */
import type { AcceptFlag } from '../../accept-flags.js';
import { DeclinedError, UsageError } from '../../errors.js';
import { prepareFlash } from '../../flash/node-flash.js';
import type { PlanRequest } from '../../plan/gates.js';
import { planToJson, renderPlan } from '../../plan/render-plan.js';
import type { FlashPlan } from '../../plan/types.js';
import { parseTimeoutOverrides } from '../../timeouts.js';
import { parseRelayAddress } from '../../transport/relay-client.js';
import { defineCommand, type RunContext } from '../command.js';
import { deviceSpec } from '../devices.js';
import { deviceSpellingLines } from '../device-spellings.js';
import { ExitCode } from '../exit-codes.js';
import { runFlashOnDevice, type FlashRun, type FlashSettings } from '../flash-run.js';
import { fleetArguments } from '../fleet-args.js';
import { checkOutputPaths } from '../output-paths.js';
import { recordOutput } from '../update-record.js';
import { runFleet } from '../fleet-run.js';
import {
  acceptedFlags,
  DEVICE_HELP,
  withAccept,
  withJson,
  withTimeouts,
  withWait,
} from '../options.js';

export const flashCommand = defineCommand({
  captures: true,
  syntax: ['flash [package]', 'edl-recover'],
  describe:
    'Flash a firmware package onto a modem (in EDL, 05c6:9008, or in normal mode: qfh switches it); edl-recover does the same for a modem stuck in EDL. PACKAGE defaults to .',
  examples: [
    [
      'qfh flash ./EG25GGBR07A08M2G_30.006.30.006',
      'asks, then flashes and verifies the one modem attached',
    ],
    ['qfh flash ./fw --dry-run', 'check everything and show the plan; send nothing'],
    ['qfh edl-recover ./fw --device usb:1A2B3C4D', 'a modem stuck in EDL'],
    ['qfh flash ./fw --yes --json > log.jsonl', 'for scripts: no question, events as JSON lines'],
    [
      'qfh flash ./fw --device usb:1-1.4 --device usb:1-2.4',
      'two modems at once, named by the USB port they are plugged into (qfh list)',
    ],
    ['qfh flash ./fw --all --yes', 'every modem in EDL or normal mode that fits the package'],
    [
      'qfh flash ./fw.zip --relay 3f9c2e0b7d41a6c58e90@192.168.1.1',
      'from a LAN PC, through qfh relay-script on the router',
    ],
  ],
  options: (y) =>
    withTimeouts(
      withAccept(
        withWait(
          withJson(
            y
              .epilogue(deviceSpellingLines())
              .positional('package', {
                type: 'string',
                default: '.',
                describe: 'the firmware package: its folder, or the zip as downloaded',
              })
              .option('device', {
                type: 'string',
                describe: `${DEVICE_HELP}; repeat it to flash several modems at once`,
              })
              .option('all', {
                type: 'boolean',
                default: false,
                describe:
                  'flash every modem in EDL or normal mode that fits the package, all at once (qfh list shows them)',
              })
              .option('yes', {
                type: 'boolean',
                default: false,
                describe: 'do not ask before flashing',
              })
              .option('dry-run', {
                type: 'boolean',
                default: false,
                describe: 'check and show the plan, send nothing',
              })
              .option('verify', {
                type: 'boolean',
                default: true,
                describe: 'verify every written image (--no-verify skips it)',
              })
              .option('skip-unchanged', {
                type: 'boolean',
                default: false,
                describe:
                  "compare each image's range with the modem's SHA-256 first; leave out (with its erase) what is already there",
              })
              .option('programmer', {
                type: 'string',
                describe: "a programmer file to use instead of the package's",
              })
              .option('modem-revision', {
                type: 'string',
                describe: "the modem's revision (ATI), to check variant and version",
              })
              .option('record', {
                type: 'string',
                describe:
                  'where to save the before/after record of an update from normal mode (with several modems: the folder for one record each)',
              })
              .option('relay', {
                type: 'string',
                describe:
                  'reach the modem through the relay script on this router (TOKEN@HOST[:PORT], as the relay prints it when it starts; see qfh relay-script), from a PC on its LAN',
              })
              .option('stop-services', {
                type: 'boolean',
                default: false,
                describe:
                  'on an OpenWrt router: stop the services holding the modem (qfh doctor lists them) and put them back afterwards',
              })
              .option('stop-modemmanager', {
                type: 'boolean',
                default: false,
                describe: 'stop ModemManager for the update and start it again afterwards',
              }),
          ),
          10,
        ),
      ),
    ),
  run: async (argv, ctx) => {
    const command = argv._[0] === 'edl-recover' ? 'edl-recover' : 'flash';
    const fleet = fleetArguments(argv);
    const spec = deviceSpec(fleet ? undefined : argv.device);
    const timeouts = parseTimeoutOverrides(argv.timeout);
    await checkOutputPaths([await recordOutput(argv.record, { several: fleet !== undefined })]);
    const prepared = await prepareFlash(argv.package, {
      accept: acceptedFlags(argv),
      modemRevision: argv.modemRevision,
      programmer: argv.programmer,
      skipUnchanged: argv.skipUnchanged,
      onPackagePlan: (plan, request) => showPlan(plan, request, ctx),
    });
    if (argv.dryRun) return dryRun(prepared.plan, ctx, command);
    await confirm(prepared.plan, { ctx, yes: argv.yes, device: fleet?.what ?? argv.device });
    const settings: FlashSettings = {
      command,
      prepared,
      verify: argv.verify,
      waitSeconds: argv.wait,
      timeouts,
      record: argv.record,
      stopModemManager: argv.stopModemmanager,
      stopServices: argv.stopServices,
    };
    if (fleet)
      return runFleet(
        {
          ...settings,
          devices: fleet.devices,
          all: argv.all,
          retry: { command, packageArgument: argv.package, options: fleet.retryOptions },
        },
        ctx,
      );
    const run: FlashRun = {
      ...settings,
      spec,
      deviceArgument: argv.device,
      relay: argv.relay === undefined ? undefined : parseRelayAddress(argv.relay),
    };
    return runFlashOnDevice(run, ctx);
  },
});

/** Prints the plan (stderr as text, an event with --json), before its refusals are enforced. */
function showPlan(plan: FlashPlan, request: PlanRequest, ctx: RunContext): void {
  const json = planToJson(plan);
  ctx.session.plan(json);
  if (ctx.events.json) ctx.events.emit({ event: 'plan', plan: json });
  else ctx.out.stderr(`${renderPlan(plan, request).join('\n')}\n`);
}

function dryRun(plan: FlashPlan, ctx: RunContext, command: string): number {
  if (!ctx.events.json) ctx.out.stderr('Dry run: nothing was sent to any device.\n');
  ctx.events.emit({
    event: 'result',
    command,
    ok: true,
    exitCode: ExitCode.OK,
    data: { dryRun: true, steps: plan.ops.length },
  });
  return ExitCode.OK;
}

async function confirm(
  plan: FlashPlan,
  c: { ctx: RunContext; yes: boolean; device: string | undefined },
): Promise<void> {
  if (c.yes) return;
  if (!c.ctx.terminal.canAsk)
    throw new UsageError(
      'QFH_USAGE',
      'qfh asks before flashing, and stdin is not a terminal: nothing was sent',
      {
        hint: 'Pass --yes to flash without asking (scripts), or run qfh from a terminal.',
      },
    );
  const images = plan.ops.filter((x) => x.kind === 'program').length;
  const ok = await c.ctx.terminal.confirm(
    `Flash ${images} images (${(plan.totalBytes / 1e6).toFixed(1)} MB) to ${c.device ?? 'the modem'}? Do not unplug it until qfh says it is done. [y/N] `,
  );
  if (!ok) throw new DeclinedError();
}

export type { AcceptFlag };
