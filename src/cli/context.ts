/**
 * What a command runs with: where it writes, the terminal it may ask on, and the signals
 * that stop it. Injected so tests run commands in-process with captured output, a scripted
 * terminal and their own signals, and `main()` never touches `process` streams directly.
 *
 * @module
 */
import { createInterface } from 'node:readline/promises';
import type { ModemBus } from '../fleet/bus.js';
import type { CliOutput } from './output.js';

/** Terminal facts the commands need. */
export interface Terminal {
  /** Whether stdin is a terminal: only then can qfh ask (stdout may be a pipe to tee). */
  readonly canAsk: boolean;
  /** Whether stderr is a terminal (progress bars). */
  readonly isTTY: boolean;
  /** Asks a yes/no question on stderr, reading the answer from stdin. */
  confirm(question: string): Promise<boolean>;
}

/** Where stop requests (Ctrl-C, SIGTERM) come from. */
export interface SignalSource {
  /** Calls `listener` on each SIGINT/SIGTERM until the returned function is called. */
  onStop(listener: (signal: 'SIGINT' | 'SIGTERM') => void): () => void;
}

/** Everything a command runs with. */
export interface CliContext {
  readonly out: CliOutput;
  readonly terminal: Terminal;
  readonly signals: SignalSource;
  /** Where modems are found by port (tests pass simulated modems). @default this machine */
  readonly bus?: ModemBus | undefined;
}

/** The process's terminal. */
export const processTerminal: Terminal = {
  canAsk: Boolean(process.stdin.isTTY),
  isTTY: Boolean(process.stderr.isTTY),
  confirm: async (question) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      // Ctrl-D (the end of input) at the question is a no, not a failure of qfh; so is
      // Ctrl-C there (readline closes on it): either way nothing was sent.
      const answer = await rl.question(question).catch((e: unknown) => {
        if (e instanceof Error && e.name === 'AbortError') return '';
        throw e;
      });
      return /^y(es)?$/i.test(answer.trim());
    } finally {
      rl.close();
    }
  },
};

/** The process's SIGINT and SIGTERM. */
export const processSignals: SignalSource = {
  onStop(listener) {
    const onInt = (): void => listener('SIGINT');
    const onTerm = (): void => listener('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    return () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    };
  },
};
