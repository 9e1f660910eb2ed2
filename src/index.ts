/**
 * qfh: Qualcomm Sahara and Firehose in pure TypeScript.
 *
 * This entry point exports the pieces that exist today: the error family and the pure
 * codecs (Sahara packets, Firehose XML and framing, Android sparse images, firmware
 * packages with their manifests and partition tables). Subpaths expose each layer:
 * `qfh/sahara`, `qfh/firehose`, `qfh/sparse`, `qfh/package`, `qfh/errors`.
 *
 * @packageDocumentation
 */
export * from './errors.js';
export * as sahara from './sahara/index.js';
export * as firehose from './firehose/index.js';
export * as sparse from './sparse/index.js';
export { readPackage, type FirmwarePackage, type Finding, type ReadPackageOptions } from './package/index.js';
export * as pkg from './package/index.js';
