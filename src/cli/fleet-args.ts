/**
 * Whether `qfh flash` flashes several modems (`--device` repeated, or `--all`), checked before the plan is shown: a wrong `--device` or an option that takes
 * one modem only is a usage error before anything else. Also the options a retry repeats.
 *
 * @module
 */
import type { AcceptFlag } from '../accept-flags.js';
import { UsageError } from '../errors.js';
import type { DeviceSpec } from '../transport/select-device.js';
import { deviceSpec } from './devices.js';
import { acceptedFlags } from './options.js';

/** The flash command's arguments this reads. */
export interface FleetArgv {
  readonly device?: string | readonly string[] | undefined;
  readonly all: boolean;
  readonly relay?: string | undefined;
  readonly capture?: string | undefined;
  readonly 'debug-bundle'?: string | undefined;
  readonly verify: boolean;
  readonly yes: boolean;
  readonly wait: number;
  readonly programmer?: string | undefined;
  readonly modemRevision?: string | undefined;
  readonly record?: string | undefined;
  readonly timeout?: readonly string[] | undefined;
  readonly skipUnchanged?: boolean | undefined;
  readonly json?: boolean | undefined;
  readonly stopModemmanager?: boolean | undefined;
  readonly stopServices?: boolean | undefined;
}

/** One `--device` of several: the text (for messages and retries) and what it names. */
export interface FleetDevice {
  readonly text: string;
  readonly spec: DeviceSpec;
}

/** Several modems: which, in words, and what a retry repeats. */
export interface FleetArguments {
  /** Each `--device` as given, with its parse (read once, here). */
  readonly devices: readonly FleetDevice[];
  /** For the question asked before flashing. */
  readonly what: string;
  readonly retryOptions: readonly string[];
}

const oneModemOnly = (option: string): UsageError =>
  new UsageError('QFH_USAGE', `${option} takes one modem; it cannot be used with several`, {
    hint: 'Flash that modem on its own with one --device.',
  });

/** The fleet arguments, or `undefined` when one modem is flashed as before. */
export function fleetArguments(argv: FleetArgv): FleetArguments | undefined {
  const devices = ([] as string[]).concat(argv.device ?? []).map((text) => ({
    text,
    spec: deviceSpec(text),
  }));
  // One device, whatever names it (a port too), is a fleet of one: the one-modem command.
  if (!argv.all && devices.length < 2) return undefined;
  if (argv.all && devices.length > 0)
    throw new UsageError('QFH_USAGE', '--all and --device cannot be used together', {
      hint: 'Use --all for every modem, or name each with --device.',
    });
  if (argv.relay !== undefined) throw oneModemOnly('--relay');
  if (argv.capture !== undefined) throw oneModemOnly('--capture');
  if (argv['debug-bundle'] !== undefined) throw oneModemOnly('--debug-bundle');
  for (const { text, spec } of devices) {
    if (spec.kind === 'usb' && spec.serial === undefined && spec.port === undefined)
      throw new UsageError('QFH_USAGE', `--device ${text} names no one modem among several`, {
        hint: 'Name each modem by its port (--device usb:1-1.4; qfh list shows them), or use --all.',
      });
  }
  return {
    devices,
    what: argv.all
      ? 'every modem qfh finds that fits the package'
      : `${devices.length} modems (${devices.map((d) => d.text).join(', ')})`,
    retryOptions: retryOptions(argv),
  };
}

/** The options a retry repeats, as the user gave them. */
function retryOptions(argv: FleetArgv): string[] {
  const flags = acceptedFlags(argv as Partial<Record<AcceptFlag, unknown>>);
  return [
    ...flags.map((f) => `--${f}`),
    ...(argv.verify ? [] : ['--no-verify']),
    ...(argv.skipUnchanged ? ['--skip-unchanged'] : []),
    ...(argv.stopModemmanager ? ['--stop-modemmanager'] : []),
    ...(argv.stopServices ? ['--stop-services'] : []),
    ...(argv.programmer ? ['--programmer', argv.programmer] : []),
    ...(argv.modemRevision ? ['--modem-revision', argv.modemRevision] : []),
    ...(argv.record ? ['--record', argv.record] : []),
    ...(argv.timeout ?? []).flatMap((t) => ['--timeout', t]),
    ...(argv.wait === 10 ? [] : ['--wait', String(argv.wait)]),
    ...(argv.yes ? ['--yes'] : []),
    ...(argv.json ? ['--json'] : []),
  ];
}
