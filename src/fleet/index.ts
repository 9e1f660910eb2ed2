/**
 * Many modems from one process: `flashMany()` (each modem through its own gates, session and
 * report), targets by physical port followed across re-enumeration, `--all` selection, and
 * the bus they are found on (this machine, or simulated modems on simulated ports).
 *
 * @module
 */
export * from './flash-many.js';
export * from './bus.js';
export * from './port-wait.js';
export * from './port-target.js';
export * from './spec-target.js';
export * from './select-all.js';
