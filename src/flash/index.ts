/**
 * Flashing: `flash()` and `edlRecover()` run a checked plan over Sahara + Firehose with
 * progress events, verification and a report.
 *
 * @module
 */
export * from './flash.js';
export * from './execute.js';
export * from './data-source.js';
export * from './from-normal-mode.js';
export * from './backup.js';
