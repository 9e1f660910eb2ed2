/**
 * The `qfh` command line. `main()` parses arguments, runs one command, renders errors as
 * a one-line reason plus a hint (never a stack trace) and returns the exit code.
 *
 * @module
 */
import { stat } from 'node:fs/promises';
import yargs from 'yargs';
import { QfhError } from '../errors.js';
import { ExitCode } from './exit-codes.js';
import { inspectFile, type InspectReport } from './inspect/inspect-file.js';
import { inspectPackage } from './inspect/inspect-package.js';
import { toJsonText } from './json-output.js';
import { processOutput, type CliOutput } from './output.js';
import { runSimulate } from './simulate.js';
import { runList } from './list.js';
import { runInfo } from './info.js';
import {
  ACCEPT_FLAGS,
  processTerminal,
  runFlash,
  runPlan,
  type Terminal,
} from './flash-command.js';
import { runDemo } from './demo.js';
import { runBackup } from './backup-command.js';
import { runFota } from './fota-command.js';
import { runVerify } from './verify-command.js';
import { runDoctorCommand } from './doctor-command.js';
import type { Argv } from 'yargs';

/** Adds the flags that accept one named risk each. */
function accepting<T>(y: Argv<T>): Argv<T & Record<(typeof ACCEPT_FLAGS)[number], boolean>> {
  let out = y as Argv<unknown>;
  for (const flag of ACCEPT_FLAGS)
    out = out.option(flag, {
      type: 'boolean',
      default: false,
      describe: `accept the risk a ${flag} refusal names`,
    });
  return out as Argv<T & Record<(typeof ACCEPT_FLAGS)[number], boolean>>;
}

/** The accept flags that were set. */
function acceptedFlags(argv: Record<string, unknown>): string[] {
  return ACCEPT_FLAGS.filter((f) => argv[f] === true);
}
import { PROFILES } from '../sim/profiles.js';

/** Runs qfh with `args` (without `node` and the script); resolves to the exit code. */
export async function main(
  args: readonly string[],
  out: CliOutput = processOutput,
  terminal: Terminal = processTerminal,
): Promise<number> {
  let code: number = ExitCode.OK;
  let usageError: string | undefined;
  const parser = yargs([...args])
    .scriptName('qfh')
    .usage('$0 <command> [options]')
    .command(
      'inspect <input>',
      'Show what qfh understands of a file or firmware folder: sparse image, rawprogram/patch/contents XML, md5.txt, MIBIB, GPT, ELF programmer, Firehose XML, Sahara packet hex',
      (y) =>
        y
          .positional('input', {
            type: 'string',
            demandOption: true,
            describe: 'a file, a firmware folder, or Sahara packet bytes in hex',
          })
          .option('json', {
            type: 'boolean',
            default: false,
            describe: 'print one JSON document instead of text',
          }),
      async (argv) => {
        code = await runInspect(argv.input, argv.json, out);
      },
    )
    .command(
      'simulate',
      'Run a simulated modem (Sahara + Firehose over simulated storage) on a TCP port until Ctrl-C',
      (y) =>
        y
          .option('profile', {
            type: 'string',
            default: 'eg25g',
            describe: `device profile: ${[...PROFILES.keys()].join(', ')}`,
          })
          .option('listen', {
            type: 'string',
            default: '127.0.0.1:0',
            describe: 'HOST:PORT to listen on (port 0 picks a free one)',
          })
          .option('state', {
            choices: ['edl', 'normal'] as const,
            default: 'edl' as const,
            describe: 'boot into EDL or normal (AT) mode',
          })
          .option('dump', { type: 'string', describe: 'on exit, write each LUN as DIR/lunN.img' })
          .option('real-time', {
            type: 'boolean',
            default: false,
            describe:
              'wait the real module delays (about 3 s to re-enumerate, 1 s for the programmer to start)',
          })
          .option('functionfs', {
            type: 'string',
            describe:
              'instead of TCP, be a USB gadget (05c6:9008) with FunctionFS mounted at DIR (Linux, root, libcomposite + usb_f_fs)',
          })
          .option('udc', {
            type: 'string',
            describe:
              'with --functionfs: the UDC to bind to (default: the first in /sys/class/udc)',
          }),
      async (argv) => {
        code = await runSimulate(
          {
            profile: argv.profile,
            listen: argv.listen,
            state: argv.state,
            dump: argv.dump,
            realTime: argv['real-time'],
            functionfs: argv.functionfs,
            udc: argv.udc,
          },
          out,
        );
      },
    )
    .command(
      'list',
      'List modems: in EDL (05c6:9008), Quectel modules in normal mode with their ports, PCIe modem nodes',
      (y) =>
        y.option('json', { type: 'boolean', default: false, describe: 'print one JSON document' }),
      async (argv) => {
        code = await runList(argv.json, out);
      },
    )
    .command(
      'info',
      "Read a modem's chip identity from its PBL (Sahara command mode: serial, HW ID, PK hash); uploads nothing",
      (y) =>
        y
          .option('device', {
            type: 'string',
            describe: 'usb[:SERIAL] | /dev/... | tcp://host:port | sim[:profile]',
          })
          .option('wait', {
            type: 'number',
            default: 0,
            describe: 'seconds to wait for the device to appear',
          })
          .option('json', { type: 'boolean', default: false, describe: 'print one JSON document' }),
      async (argv) => {
        code = await runInfo({ device: argv.device, json: argv.json, waitSeconds: argv.wait }, out);
      },
    )
    .command(
      'plan <dir>',
      'Show the checked plan for a firmware folder: every erase, program and patch in order, with the findings; exits 3 if qfh would refuse it',
      (y) =>
        accepting(
          y
            .positional('dir', {
              type: 'string',
              demandOption: true,
              describe: 'the unpacked firmware folder',
            })
            .option('json', {
              type: 'boolean',
              default: false,
              describe: 'print the plan as JSON (schema qfh-plan/1)',
            })
            .option('modem-revision', {
              type: 'string',
              describe: "the modem's revision (ATI), to check variant and version",
            }),
        ),
      async (argv) => {
        code = await runPlan(
          {
            dir: argv.dir,
            json: argv.json,
            accept: acceptedFlags(argv),
            modemRevision: argv['modem-revision'],
          },
          out,
        );
      },
    )
    .command(
      ['flash <dir>', 'edl-recover [dir]'],
      'Flash a firmware folder onto a modem in EDL (05c6:9008); edl-recover does the same for a modem that is stuck there (DIR defaults to .)',
      (y) =>
        accepting(
          y
            .positional('dir', {
              type: 'string',
              default: '.',
              describe: 'the unpacked firmware folder',
            })
            .option('device', {
              type: 'string',
              describe:
                'usb[:SERIAL] | /dev/... | tcp://host:port | sim[:profile[:normal]] (default: the one USB modem; flash switches one in normal mode to EDL)',
            })
            .option('wait', {
              type: 'number',
              default: 10,
              describe: 'seconds to wait for the device to appear',
            })
            .option('yes', {
              type: 'boolean',
              default: false,
              describe: 'do not ask before flashing',
            })
            .option('json', {
              type: 'boolean',
              default: false,
              describe: 'print progress and the report as JSON lines',
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
              describe: 'where to save the before/after record of an update from normal mode',
            })
            .option('stop-modemmanager', {
              type: 'boolean',
              default: false,
              describe: 'stop ModemManager for the update and start it again afterwards',
            }),
        ),
      async (argv) => {
        code = await runFlash(
          {
            dir: argv.dir,
            device: argv.device,
            json: argv.json,
            yes: argv.yes,
            verify: argv.verify,
            dryRun: argv['dry-run'],
            accept: acceptedFlags(argv),
            waitSeconds: argv.wait,
            programmer: argv.programmer,
            modemRevision: argv['modem-revision'],
            command: argv._[0] === 'edl-recover' ? 'edl-recover' : 'flash',
            record: argv.record,
            stopModemManager: argv['stop-modemmanager'],
          },
          out,
          terminal,
        );
      },
    )
    .command(
      'backup <dir>',
      "Read the modem's partitions (from its NAND table, or the ranges a package would write) into DIR, as a package qfh flash restores",
      (y) =>
        y
          .positional('dir', {
            type: 'string',
            demandOption: true,
            describe: 'where to write the backup',
          })
          .option('device', {
            type: 'string',
            describe: 'usb[:SERIAL] | /dev/... | tcp://host:port | sim[:profile]',
          })
          .option('from', {
            type: 'string',
            describe:
              'a firmware package: back up the ranges it would write, and use its programmer',
          })
          .option('programmer', { type: 'string', describe: 'the programmer to upload' })
          .option('storage', {
            choices: ['nand', 'emmc', 'ufs'] as const,
            describe: 'storage type (default: from --from, else nand)',
          })
          .option('wait', {
            type: 'number',
            default: 10,
            describe: 'seconds to wait for the device',
          })
          .option('json', {
            type: 'boolean',
            default: false,
            describe: 'print the manifest as JSON',
          }),
      async (argv) => {
        code = await runBackup(
          {
            dir: argv.dir,
            device: argv.device,
            from: argv.from,
            programmer: argv.programmer,
            storage: argv.storage,
            json: argv.json,
            waitSeconds: argv.wait,
          },
          out,
        );
      },
    )
    .command(
      'verify',
      'Check a modem after an update: revision, registration, signal, bands; --before compares with the record qfh flash saved',
      (y) =>
        y
          .option('device', {
            type: 'string',
            describe: 'the AT port: /dev/ttyUSB2 (qfh list), tcp://host:port or sim:PROFILE:normal',
          })
          .option('before', {
            type: 'string',
            describe: 'an earlier record (qfh flash saves one) to compare with',
          })
          .option('json', { type: 'boolean', default: false, describe: 'print one JSON document' }),
      async (argv) => {
        code = await runVerify({ device: argv.device, before: argv.before, json: argv.json }, out);
      },
    )
    .command(
      'fota <file>',
      'Delta update over the AT port (AT+QFUPL + AT+QFOTADL): upload checked by checksum before it is applied',
      (y) =>
        y
          .positional('file', {
            type: 'string',
            demandOption: true,
            describe: 'the delta package from Quectel',
          })
          .option('device', {
            type: 'string',
            describe: 'the AT port: /dev/ttyUSB2 (qfh list), tcp://host:port or sim:PROFILE:normal',
          })
          .option('wait', {
            type: 'number',
            default: 120,
            describe: 'seconds to wait for the modem to come back after the update',
          })
          .option('json', {
            type: 'boolean',
            default: false,
            describe: 'print progress and the result as JSON lines',
          }),
      async (argv) => {
        code = await runFota(
          { file: argv.file, device: argv.device, json: argv.json, waitSeconds: argv.wait },
          out,
        );
      },
    )
    .command(
      'doctor',
      'Check this host before an update: modem daemons, processes holding modem ports, the EDL driver, SSH over the modem, free space',
      (y) =>
        y.option('json', { type: 'boolean', default: false, describe: 'print the checks as JSON' }),
      async (argv) => {
        code = await runDoctorCommand(argv.json, out);
      },
    )
    .command(
      'demo',
      'No hardware needed: build an EG25-G-shaped firmware package, flash it onto the simulated modem, check the result',
      (y) =>
        y
          .option('keep', {
            type: 'boolean',
            default: false,
            describe: 'keep the generated package folder',
          })
          .option('json', {
            type: 'boolean',
            default: false,
            describe: 'print progress and the report as JSON lines',
          }),
      async (argv) => {
        code = await runDemo({ keep: argv.keep, json: argv.json, tty: terminal.isTTY }, out);
      },
    )
    .demandCommand(1, 'Name a command.')
    .strict()
    .help()
    .version(false)
    .exitProcess(false)
    .fail((msg, err) => {
      if (err) throw err;
      // Throwing stops yargs before any handler runs; the message is reported below.
      usageError = msg;
      throw new UsageSignal();
    })
    .wrap(100);
  try {
    await parser.parseAsync();
    return code;
  } catch (e) {
    if (e instanceof UsageSignal) {
      out.stderr(
        `qfh: ${usageError ?? 'bad command line'}\nRun \`qfh --help\` for the commands.\n`,
      );
      return ExitCode.USAGE;
    }
    return reportError(e, args.includes('--json'), out);
  }
}

/** Thrown from yargs' fail hook to stop parsing on a usage error. */
class UsageSignal extends Error {}

async function runInspect(input: string, json: boolean, out: CliOutput): Promise<number> {
  const isDir = (await stat(input).catch(() => undefined))?.isDirectory() ?? false;
  const report: InspectReport = isDir ? await inspectPackage(input) : await inspectFile(input);
  if (json)
    out.stdout(
      `${toJsonText({ kind: report.kind, input: report.input, ...{ [report.kind]: report.data } })}\n`,
    );
  else out.stdout(`${report.text.join('\n')}\n`);
  return ExitCode.OK;
}

function reportError(e: unknown, json: boolean, out: CliOutput): number {
  if (e instanceof QfhError) {
    if (json) out.stdout(`${toJsonText({ error: e.toJSON() })}\n`);
    out.stderr(`qfh: ${e.message} [${e.code}]\n${e.hint ? `  ${e.hint}\n` : ''}`);
    if (e.code === 'QFH_REFUSED') return ExitCode.REFUSED;
    return e.code === 'QFH_USAGE'
      ? ExitCode.USAGE
      : e.code === 'QFH_NO_DEVICE' || e.code === 'QFH_DEVICE_AMBIGUOUS'
        ? ExitCode.DEVICE_NOT_FOUND
        : ExitCode.FAILURE;
  }
  const message = e instanceof Error ? e.message : String(e);
  const sysCode = (e as { code?: unknown } | undefined)?.code;
  if (typeof sysCode === 'string' && /^E[A-Z]+$/.test(sysCode)) {
    // A file-system error (ENOENT, EACCES, EISDIR, ...): the input, not qfh, is at fault.
    if (json) out.stdout(`${toJsonText({ error: { name: 'Error', code: sysCode, message } })}\n`);
    out.stderr(`qfh: ${message}\n`);
    return ExitCode.FAILURE;
  }
  if (json)
    out.stdout(`${toJsonText({ error: { name: 'Error', code: 'QFH_INTERNAL', message } })}\n`);
  out.stderr(
    `qfh: ${message}\n  This is a bug in qfh; please report it with the command you ran.\n`,
  );
  return ExitCode.FAILURE;
}
