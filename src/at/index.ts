/**
 * The modem in normal mode: its AT port, who it says it is, and the switch to EDL.
 *
 * @module
 */
export * from './at-port.js';
export * from './identify.js';
export * from './edl-switch.js';
export {
  parseFirmwareIdentity,
  compareBuilds,
  type FirmwareIdentity,
} from '../quectel-revision.js';
export * from './post-check.js';
export * from './fota.js';
