/**
 * qfh: Qualcomm Sahara and Firehose in pure TypeScript.
 *
 * The entry point: `flash()` and `edlRecover()` (a checked plan over Sahara + Firehose),
 * `flashFromNormalMode()` (identify over AT, gates, DIAG switch, flash), `flashMany()` (many
 * modems at once, each followed by its USB port), plans, the package
 * reader, the AT layer, the error family and the pure codecs. Subpaths expose each layer:
 * `qfh/sahara`, `qfh/firehose`, `qfh/sparse`, `qfh/package`, `qfh/transport`, `qfh/at`,
 * `qfh/sim`, `qfh/capture`, `qfh/errors`.
 *
 * @packageDocumentation
 */
export * from './errors.js';
export * as sahara from './sahara/index.js';
export * as firehose from './firehose/index.js';
export * as sparse from './sparse/index.js';
export {
  readPackage,
  type FirmwarePackage,
  type Finding,
  type ReadPackageOptions,
} from './package/index.js';
export * as pkg from './package/index.js';
export {
  flash,
  edlRecover,
  flashFromNormalMode,
  type FlashOptions,
  type FlashReport,
  type FlashProgress,
  type NormalModeAccess,
} from './flash/index.js';
export {
  flashMany,
  portTarget,
  specTarget,
  selectAll,
  systemBus,
  type ModemBus,
  type FleetTarget,
  type FleetConnection,
  type FleetResult,
  type DeviceResult,
  type DeviceOutcome,
  type FlashManyOptions,
} from './fleet/index.js';
export { buildPlan, renderPlan, planToJson, type FlashPlan, type PlanOp } from './plan/index.js';
export {
  AtPort,
  identifyModem,
  switchToEdl,
  parseFirmwareIdentity,
  type ModemIdentity,
  type FirmwareIdentity,
} from './at/index.js';
