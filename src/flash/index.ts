/**
 * Flashing: `flash()` and `edlRecover()` run a checked plan over Sahara + Firehose with
 * progress events, verification and a report; `backup()` reads partitions back;
 * `flashFromNormalMode()` switches a modem in normal mode first.
 *
 * @module
 */
export * from './flash.js';
export * from './prepare.js';
export * from './flash-report.js';
export * from './execute.js';
export * from './data-source.js';
export * from './from-normal-mode.js';
export * from './backup.js';
export * from './normal-mode-access.js';
export { relayNormalModeAccess, openRelayEdl, type RelayAccessOptions } from './relay-access.js';
export * from './advice.js';
export * from './flash-runtime.js';
export { nodeRuntime, nodeSha256 } from './node-runtime.js';
// Node's runtime by default: these shadow the core's functions of the same names above.
export { flash, edlRecover, prepareFlash, flashFromNormalMode, executePlan } from './node-flash.js';
