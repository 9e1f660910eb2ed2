/**
 * Access to the real third-party files in ../shared/captures/real/, read in place.
 * Where the folder is absent, suites that need it skip with one line saying so, except
 * under CI=true, where absence is a failure.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { REAL_DIR, realAvailable } from './real-dir.js';

export { REAL_DIR, realAvailable };

/** Absolute path of a file in the real captures. */
export const realPath = (...parts: string[]): string => join(REAL_DIR, ...parts);
/** Bytes of a real file. */
export const realBytes = (...parts: string[]): Buffer => readFileSync(realPath(...parts));
/** Text (latin1-safe utf8) of a real file. */
export const realText = (...parts: string[]): string => readFileSync(realPath(...parts), 'utf8');

/** `describe` for suites that read real captures. */
export function describeReal(name: string, body: () => void): void {
  if (realAvailable) {
    describe(name, body);
  } else if (process.env['CI'] === 'true') {
    describe(name, () => {
      it('needs ../shared/captures/real/', () => {
        throw new Error(
          `real captures missing at ${REAL_DIR}: CI must have ../shared beside the clone`,
        );
      });
    });
  } else {
    // Not `describe.skip(name, body)`: vitest still runs a skipped suite's body to collect
    // its tests, and a body that lists the real folder then fails the whole file.
    describe.skip(`${name} (skipped: ${REAL_DIR} is absent)`, () => {
      it('reads ../shared/captures/real/', () => undefined);
    });
  }
}
