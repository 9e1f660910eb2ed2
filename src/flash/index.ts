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
