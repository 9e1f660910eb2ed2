/**
 * The runtime-neutral core of qfh, for any JavaScript runtime: a browser page, a worker, or
 * Node. Nothing here imports a Node built-in or uses a Node global (lint enforces it, and a
 * test bundles this entry for the browser platform and runs it with no Node globals).
 *
 * What it covers: reading a firmware package from files you hand it (`memorySource`,
 * `zipSource`, or any `PackageSource`), every package check, the plan and its gates, the
 * pure codecs (Sahara packets, Firehose XML and framing, Android sparse), and the flash
 * itself over any {@link Transport} you implement (WebUSB, Web Serial, a socket): the
 * programmer uploaded through Sahara, the plan re-checked against the device's facts,
 * every image streamed and verified. Hashing is `portableRuntime`'s unless you pass
 * another `runtime`; paths to files need a runtime with a file system (Node's, in `qfh`).
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
export { flash, edlRecover, type FlashOptions } from './flash/flash.js';
export {
  prepareFlash,
  preparedForModem,
  type PrepareOptions,
  type PreparedFlash,
} from './flash/prepare.js';
export { executePlan, type ExecuteOptions } from './flash/execute.js';
export {
  FlashError,
  type FlashReport,
  type FlashProgress,
  type FlashState,
  type OpReport,
} from './flash/flash-report.js';
export {
  portableRuntime,
  type FlashRuntime,
  type HostFiles,
  type OpenedProgrammer,
  type PieceHasher,
} from './flash/flash-runtime.js';
export { portableSha256, type Sha256, type Sha256Factory } from './sha256.js';
export {
  openFirehoseSession,
  type FirehoseSession,
  type SessionOptions,
} from './session/open-session.js';
export type { ProgrammerSource } from './sahara/client.js';
export type { Transport, ReadOptions, WriteOptions } from './transport/transport.js';
