/**
 * yargs renders the whole help text of a command every time that command runs, to keep it
 * for a later failure (`cacheHelpMessage` in yargs 18's command.js): 40 ms of a small
 * flash's 0.25 CPU s, for text qfh never shows then (its fail handler throws a UsageError
 * with its own hint; `--help` renders help fresh). This turns that cache off. It reaches
 * into yargs internals, so it does nothing if they are not there.
 *
 * @module
 */
import type { Argv } from 'yargs';

interface Internals {
  getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } };
}

/** `parser`, not rendering help text ahead of need. */
export function withoutHelpCache<T>(parser: Argv<T>): Argv<T> {
  const usage = (parser as unknown as Internals).getInternalMethods?.().getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === 'function')
    usage.cacheHelpMessage = () => undefined;
  return parser;
}
