/**
 * Options several commands share, defined once: `--device`, `--wait`, `--json`, the accept
 * flags (from `accept-flags.ts`, with the risk each accepts in words) and `--timeout`.
 *
 * @module
 */
import type { Argv } from 'yargs';
import { ACCEPT_FLAG_RISKS, ACCEPT_FLAGS, type AcceptFlag } from '../accept-flags.js';
import { UsageError } from '../errors.js';
import { TIMEOUT_NAMES } from '../timeouts.js';

export { DEVICE_HELP } from './device-spellings.js';

/** `--json`. */
export function withJson<T>(y: Argv<T>): Argv<T & { json: boolean }> {
  return y.option('json', {
    type: 'boolean',
    default: false,
    describe: 'one JSON object per line on stdout (schema qfh-events/1, see README)',
  });
}

/** `--wait SECONDS`, checked to be a number. */
export function withWait<T>(y: Argv<T>, seconds: number): Argv<T & { wait: number }> {
  return y
    .option('wait', {
      type: 'number',
      default: seconds,
      describe: 'seconds to wait for the device to appear',
    })
    .check((argv) => {
      const wait = (argv as { wait?: unknown }).wait;
      if (typeof wait !== 'number' || !Number.isFinite(wait) || wait < 0)
        throw new UsageError('QFH_USAGE', '--wait wants a number of seconds, e.g. --wait 30');
      return true;
    }) as Argv<T & { wait: number }>;
}

/** The accept flags, each with the risk it accepts. */
export function withAccept<T>(y: Argv<T>): Argv<T & Record<AcceptFlag, boolean>> {
  let out = y as Argv<unknown>;
  for (const flag of ACCEPT_FLAGS)
    out = out.option(flag, {
      type: 'boolean',
      default: false,
      describe: `accept the risk: ${ACCEPT_FLAG_RISKS[flag]}`,
    });
  return out as Argv<T & Record<AcceptFlag, boolean>>;
}

/** The accept flags that were set. */
export function acceptedFlags(argv: Partial<Record<AcceptFlag, unknown>>): AcceptFlag[] {
  return ACCEPT_FLAGS.filter((f) => argv[f] === true);
}

/** `--timeout NAME=MS`, repeatable. */
export function withTimeouts<T>(y: Argv<T>): Argv<T & { timeout: string[] }> {
  return y.option('timeout', {
    type: 'string',
    array: true,
    default: [] as string[],
    describe: `override a protocol wait, NAME=MS (repeatable); NAME: ${TIMEOUT_NAMES.join(', ')}`,
  }) as Argv<T & { timeout: string[] }>;
}
