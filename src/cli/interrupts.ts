/**
 * Ctrl-C and SIGTERM during a flash: the first asks the flash to stop at its next safe point
 * (between steps, never inside a raw transfer); a second forces it by closing the device,
 * for a user who would rather pull the plug. Either way qfh then says in one line what
 * state the modem is in and what to run next (the report's `next`).
 *
 * @module
 */
import type { RunContext } from './command.js';

/** A stop request in progress. */
export interface InterruptWatch {
  readonly signal: AbortSignal;
  dispose(): void;
}

/** Listens for SIGINT/SIGTERM until disposed. */
export function watchInterrupts(ctx: RunContext, o: { force: () => void }): InterruptWatch {
  const controller = new AbortController();
  let count = 0;
  const dispose = ctx.signals.onStop((signal) => {
    count++;
    if (count === 1) {
      ctx.out.stderr(
        `\nqfh: ${signal}: stopping at the next safe point (press Ctrl-C again to stop at once)\n`,
      );
      ctx.events.emit({ event: 'state', state: 'stopping', detail: signal });
      controller.abort();
    } else if (count === 2) {
      ctx.out.stderr(
        `qfh: ${signal} again: stopping now, in the middle of a transfer if need be\n`,
      );
      ctx.events.emit({ event: 'state', state: 'stopping-now', detail: signal });
      o.force();
    }
  });
  return { signal: controller.signal, dispose };
}
