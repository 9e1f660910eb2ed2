/**
 * The one line the README promises when ../shared is not beside the clone: which suites are
 * skipped and why, printed once at the start of the run (a skipped suite's own name says it
 * too, but the default reporter folds skipped suites away).
 */
import { REAL_DIR, realAvailable } from './helpers/real-dir.js';

export default function setup(): void {
  if (realAvailable || process.env['CI'] === 'true') return;
  console.log(
    `qfh tests: ${REAL_DIR} is absent, so the suites that read real third-party captures are skipped (under CI=true this fails the run).`,
  );
}
