/**
 * The one home of accept flags: each names exactly one risk a refusal can be overridden
 * for. The library takes the names as they are (`accept: ['force-variant']`); the CLI
 * offers each as `--force-variant`. A refusal names the flag that accepts it, or none
 * when nothing may override it.
 *
 * @module
 */
import { UsageError } from './errors.js';

/** Every accept flag, with the risk it accepts in words (for --help and the README). */
export const ACCEPT_FLAG_RISKS = {
  'allow-md5-mismatch':
    'flash files whose md5 differs from md5.txt: a damaged download can leave the modem unbootable',
  'allow-missing-md5': 'flash a package without md5.txt: nothing proves the images arrived intact',
  'allow-unlisted-image':
    'flash images md5.txt does not list: nothing proves they belong to this firmware',
  'skip-missing':
    'leave out images the rawprogram names but the folder lacks: those partitions keep old contents',
  'force-variant':
    "flash firmware built for another variant than the modem's: wrong bands, or a brick",
  'allow-downgrade': 'flash firmware older than the modem has: Quectel does not support downgrades',
  'unknown-package-ok':
    'flash a package whose name does not say which modem it is for: no variant check is possible',
  'force-nand-size':
    'flash a package built for another NAND size: its partition table will not match the chip',
  'i-have-local-access':
    'flash over an SSH session that runs through the modem itself: the session drops mid-flash',
} as const;

/** A flag that accepts one named risk. */
export type AcceptFlag = keyof typeof ACCEPT_FLAG_RISKS;

/** Every accept flag, in the order --help lists them. */
export const ACCEPT_FLAGS = Object.keys(ACCEPT_FLAG_RISKS) as readonly AcceptFlag[];

/**
 * What overrides a refusal: an accept flag, or `programmer` for findings about the
 * package's own programmer, which are moot once the user names one (`--programmer FILE`).
 */
export type Override = AcceptFlag | 'programmer';

/** Whether `value` is an accept flag's name (without dashes). */
export function isAcceptFlag(value: string): value is AcceptFlag {
  return Object.hasOwn(ACCEPT_FLAG_RISKS, value);
}

/** The override as a user types it. */
export function overrideText(override: Override): string {
  return override === 'programmer' ? '--programmer FILE' : `--${override}`;
}

/**
 * The accept flags a library caller passed, checked: a misspelt name would otherwise leave
 * the risk refused with no clue why, or worse, be taken for a flag that is not there.
 * @throws UsageError (`QFH_USAGE`) naming the unknown name and the known ones.
 */
export function checkedAcceptFlags(given: Iterable<string> | undefined): AcceptFlag[] {
  const flags = [...(given ?? [])];
  const unknown = flags.filter((f) => !isAcceptFlag(f));
  if (unknown.length > 0)
    throw new UsageError(
      'QFH_USAGE',
      `unknown accept flag${unknown.length > 1 ? 's' : ''}: ${unknown.map((f) => JSON.stringify(f)).join(', ')}`,
      { hint: `Accept flags are named without dashes: ${ACCEPT_FLAGS.join(', ')}.` },
    );
  return flags as AcceptFlag[];
}
