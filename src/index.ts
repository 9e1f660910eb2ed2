/**
 * qfh: Qualcomm Sahara and Firehose in pure TypeScript.
 *
 * The entry point: `prepareFlash()` (the request decided once: package, plan, gates),
 * `flash()` and `edlRecover()` (a checked plan over Sahara + Firehose; `FlashError` carries
 * the report of what reached the modem), `backup()`, `holdHost()` (the pre-flight and the
 * services held for an update), `openFirehoseSession()` (Sahara upload to storage facts),
 * `flashFromNormalMode()` (identify over AT, gates, DIAG switch, flash), `flashMany()` (many
 * modems at once, each followed by its USB port), plans, the package
 * reader, the AT layer, the error family and the pure codecs. Subpaths expose each layer:
 * `qfh/sahara`, `qfh/firehose`, `qfh/sparse`, `qfh/package`, `qfh/transport`, `qfh/at`,
 * `qfh/sim`, `qfh/capture`, `qfh/errors`, `qfh/flash`.
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
  prepareFlash,
  flashFromNormalMode,
  backup,
  FlashError,
  usbNormalModeAccess,
  pcieNormalModeAccess,
  relayNormalModeAccess,
  type FlashOptions,
  type PrepareOptions,
  type PreparedFlash,
  type FlashReport,
  type FlashState,
  type FlashProgress,
  type NormalModeAccess,
  type NormalModeOptions,
  type NormalModeFlashResult,
  type AccessOptions,
  type RelayAccessOptions,
  type BackupOptions,
} from './flash/index.js';
export { openFirehoseSession, type FirehoseSession, type SessionOptions } from './session/index.js';
export { holdHost, type HoldHostOptions, type HostHold } from './preflight/hold-host.js';
export { runDoctor, type DoctorCheck } from './preflight/doctor.js';
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
export {
  buildPlan,
  planPackage,
  renderPlan,
  planToJson,
  type FlashPlan,
  type PlanOp,
  type PlanRequest,
} from './plan/index.js';
export {
  AtPort,
  identifyModem,
  switchToEdl,
  parseFirmwareIdentity,
  type ModemIdentity,
  type FirmwareIdentity,
} from './at/index.js';
