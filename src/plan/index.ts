/**
 * Plans: a firmware package and the device's facts become an ordered, checked list of
 * operations before anything touches a device.
 *
 * @module
 */
export * from './types.js';
export * from './build-plan.js';
export * from './gates.js';
export * from './render-plan.js';
