/**
 * The runtime-neutral core of qfh, for any JavaScript runtime: a browser page, a worker, or
 * Node. Nothing here imports a Node built-in or uses a Node global (lint enforces it, and a
 * test bundles this entry for the browser platform and runs it with no Node globals).
 *
 * What it covers today: reading a firmware package from files you hand it
 * (`memorySource`, or any `PackageSource`), every package check, the plan and its gates,
 * and the pure codecs (Sahara packets, Firehose XML and framing, Android sparse). Flashing
 * itself (sessions and execution) still runs on Node only: `import { flash } from 'qfh'`.
 *
 * @packageDocumentation
 */
export * from './errors.js';
export {
  ACCEPT_FLAGS,
  ACCEPT_FLAG_RISKS,
  checkedAcceptFlags,
  type AcceptFlag,
} from './accept-flags.js';
export {
  readPackageSource,
  type FirmwarePackage,
  type ReadSourceOptions,
  type ReadPackageOptions,
} from './package/read-package.js';
export { memorySource, type MemoryFile } from './package/memory-source.js';
export { zipSource, type ZipSourceOptions } from './package/zip-source.js';
export type { ArchiveBytes, Crc32 } from './package/zip-archive.js';
export { portableMd5, type Md5Digest } from './package/portable-md5.js';
export type {
  PackageSource,
  PackageEntry,
  PackageListing,
  OpenedFile,
} from './package/package-source.js';
export { finding, hasRefusal, type Finding, type FindingLevel } from './package/findings.js';
export {
  planPackage,
  checkedPlan,
  checkedForRevision,
  refuseStanding,
  standingRefusals,
  type PlanRequest,
} from './plan/gates.js';
export { buildPlan } from './plan/build-plan.js';
export { renderPlan, planToJson } from './plan/render-plan.js';
export type { FlashPlan, PlanOp } from './plan/types.js';
export * as sparse from './sparse/portable.js';
export * as saharaPackets from './sahara/packets.js';
export * as firehoseXml from './firehose/xml.js';
export { FirehoseFramer } from './firehose/framer.js';
