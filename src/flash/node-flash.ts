/**
 * The flash workflow on Node: the same functions as the core's, with Node's runtime
 * (node:crypto on a hashing thread, packages and programmers read from disk by path) unless
 * the caller passes another. `qfh`, the CLI and the fleet use these; `qfh/core` exports the
 * runtime-neutral ones.
 *
 * @module
 */
import type { FirehoseClient } from '../firehose/client.js';
import type { FirmwarePackage } from '../package/read-package.js';
import type { FlashPlan } from '../plan/types.js';
import type { Transport } from '../transport/transport.js';
import { executePlan as executeOn, type ExecuteOptions } from './execute.js';
import type { FlashRuntime } from './flash-runtime.js';
import type { FlashReport } from './flash-report.js';
import { edlRecover as recoverOn, flash as flashOn, type FlashOptions } from './flash.js';
import {
  flashFromNormalMode as fromNormalModeOn,
  type NormalModeAccess,
  type NormalModeFlashResult,
  type NormalModeOptions,
} from './from-normal-mode.js';
import { nodeRuntime } from './node-runtime.js';
import { prepareFlash as prepareOn, type PrepareOptions, type PreparedFlash } from './prepare.js';

type Firmware = string | FirmwarePackage | PreparedFlash;

/** Node's runtime, with whatever part of one the caller passed in its place. */
const onNode = <O extends { runtime?: FlashRuntime | undefined }>(options: O): O => ({
  ...options,
  runtime: { ...nodeRuntime, ...options.runtime },
});

/**
 * Reads the package (a folder or a zip, by path, unless given one already read), checks the
 * accept flags and the named programmer file, and builds and gates the plan, before any
 * device is looked for.
 * @throws UsageError for an unknown accept flag; PlanRefusedError when a refusal stands;
 *   the package reader's and programmer check's errors. Nothing was sent to any device.
 */
export function prepareFlash(
  firmware: Firmware,
  options: PrepareOptions = {},
): Promise<PreparedFlash> {
  return prepareOn(firmware, onNode(options));
}

/**
 * Flashes the firmware package (a path, a package already read, or a request prepared by
 * `prepareFlash()`) onto the modem behind `transport`, which must be in EDL (or already
 * running the programmer). See the core's `flash()` for the order of its checks.
 * @throws PlanRefusedError before anything is sent when a gate refuses;
 *   FlashError (carrying the report) when anything fails after the transport was touched.
 */
export function flash(
  firmware: Firmware,
  transport: Transport,
  options: FlashOptions = {},
): Promise<FlashReport> {
  return flashOn(firmware, transport, onNode(options));
}

/**
 * Brings a modem that is already in EDL (05c6:9008), bricked or interrupted, back to the
 * package's contents: the same checked flash, from the PBL (or a programmer still running).
 * @throws as {@link flash}.
 */
export function edlRecover(
  firmware: Firmware,
  transport: Transport,
  options: FlashOptions = {},
): Promise<FlashReport> {
  return recoverOn(firmware, transport, onNode(options));
}

/**
 * Identity over AT, the gates, the EDL switch, the flash and the identity again, for a
 * modem in normal mode.
 * @throws PlanRefusedError before the switch when the identity is refused; FlashError.
 */
export function flashFromNormalMode(
  firmware: Firmware,
  access: NormalModeAccess,
  options: NormalModeOptions = {},
): Promise<NormalModeFlashResult> {
  return fromNormalModeOn(firmware, access, onNode(options));
}

/**
 * Runs every op of a checked plan over a running Firehose session (see the core's
 * `executePlan()`), hashing with node:crypto on the hashing thread.
 * @throws FlashError (with the report) at the first failure.
 */
export function executePlan(
  plan: FlashPlan,
  client: FirehoseClient,
  options: ExecuteOptions,
): Promise<FlashReport> {
  return executeOn(plan, client, onNode(options));
}
