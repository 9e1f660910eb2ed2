/**
 * `flash()`: a firmware folder onto a modem in EDL. Order of safety: the package is read
 * and every package-level gate is checked before the transport is touched; after Sahara
 * and configure the device's facts (storage type, sector size, disk size) re-plan and
 * re-check before the first erase or program. Then the plan runs, verified.
 *
 * @module
 */
import { join, resolve } from 'node:path';
import { FirehoseClient, type StorageInfo } from '../firehose/client.js';
import { uploadProgrammer } from '../sahara/client.js';
import { openRandomAccess } from '../sparse/file-source.js';
import { readPackage, type FirmwarePackage } from '../package/read-package.js';
import { buildPlan } from '../plan/build-plan.js';
import { enforceGates, identityFindings, parseFirmwareIdentity } from '../plan/gates.js';
import type { DeviceFacts, FlashPlan } from '../plan/types.js';
import { timeoutsFor, type Timeouts } from '../timeouts.js';
import type { Transport } from '../transport/transport.js';
import { FirehoseError, QfhError } from '../errors.js';
import { executePlan, type FlashProgress, type FlashReport } from './execute.js';

/** Options for {@link flash}. */
export interface FlashOptions {
  /** Verify every written image. @default true */
  verify?: boolean;
  /** Flags the user passed to accept specific refusals (`--allow-md5-mismatch`, `--force-variant`, …). */
  accept?: Iterable<string>;
  /** The modem's revision (ATI/AT+QGMR), when known, for the variant and downgrade gates. */
  modemRevision?: string;
  onProgress?: (p: FlashProgress) => void;
  onLog?: (line: string) => void;
  /** Called with the plan once the device's facts are known, before anything is written. */
  onPlan?: (plan: FlashPlan) => void;
  timeouts?: Partial<Timeouts>;
  /** Payload to ask for in configure. @default 8192 for NAND, 1 MiB otherwise */
  maxPayload?: number;
  /** A programmer file to use instead of the package's (absolute or relative to the working folder). */
  programmer?: string;
  /**
   * The programmer is already running and the link carries Firehose only: skip Sahara.
   * @default the transport's `firehoseOnly` (true for `/dev/wwanNfirehose0` and `/dev/mhi_EDL`
   *   opened with openCharDevice), where a silent programmer would otherwise be mistaken for a
   *   PBL that missed its HELLO and be sent Sahara bytes
   */
  programmerLoaded?: boolean;
}

/** The plan from the package alone, with every package-level gate applied. */
export async function checkedStaticPlan(
  pkg: FirmwarePackage,
  options: FlashOptions = {},
): Promise<FlashPlan> {
  return gated(withProgrammer(await buildPlan(pkg), options), pkg, options);
}

/** Findings about the package's own programmer, moot when the user names one. */
const PROGRAMMER_FINDINGS = new Set([
  'PKG_NO_PROGRAMMER',
  'PKG_SEVERAL_PROGRAMMERS',
  'PKG_PROGRAMMER_NOT_ELF',
]);

function withProgrammer(plan: FlashPlan, options: FlashOptions): FlashPlan {
  if (!options.programmer) return plan;
  return {
    ...plan,
    programmer: options.programmer,
    findings: plan.findings.filter((f) => !PROGRAMMER_FINDINGS.has(f.code)),
  };
}

/** Adds the identity findings and enforces every gate. */
function gated(plan: FlashPlan, pkg: FirmwarePackage, options: FlashOptions): FlashPlan {
  const identity = identityFindings(
    options.modemRevision ? parseFirmwareIdentity(options.modemRevision) : undefined,
    parseFirmwareIdentity(pkg.name),
  );
  const all = { ...plan, findings: [...plan.findings, ...identity] };
  enforceGates(all.findings, new Set(options.accept ?? []));
  return all;
}

function factsFrom(plan: FlashPlan, infos: Map<number, StorageInfo>): DeviceFacts | undefined {
  const first = infos.values().next().value as StorageInfo | undefined;
  if (!first) return undefined;
  const nand = /nand/i.test(first.memType) || plan.storage === 'nand';
  const lunSectors: Record<number, number> = {};
  for (const [lun, info] of infos)
    lunSectors[lun] = nand ? info.totalBlocks * (info.blockSize / info.pageSize) : info.totalBlocks;
  const storage = /nand/i.test(first.memType)
    ? 'nand'
    : /ufs/i.test(first.memType)
      ? 'ufs'
      : /emmc/i.test(first.memType)
        ? 'emmc'
        : plan.storage;
  return {
    storage,
    sectorSize: nand ? first.pageSize : first.blockSize,
    lunSectors,
    ...(nand
      ? { nandBlocks: first.totalBlocks, pagesPerBlock: first.blockSize / first.pageSize }
      : {}),
  };
}

/**
 * Flashes the firmware folder (or an already-read package) onto the modem behind
 * `transport`, which must be in EDL (or already running the programmer).
 * @throws PlanRefusedError before anything is written when a gate refuses;
 *   FlashError (carrying the report) when a step fails part-way.
 */
export async function flash(
  firmware: string | FirmwarePackage,
  transport: Transport,
  options: FlashOptions = {},
): Promise<FlashReport> {
  const pkg = typeof firmware === 'string' ? await readPackage(firmware) : firmware;
  const staticPlan = await checkedStaticPlan(pkg, options);
  const programmerPath = options.programmer
    ? resolve(options.programmer)
    : pkg.programmer
      ? join(pkg.root, pkg.programmer)
      : undefined;
  if (!programmerPath) throw new QfhError('QFH_PLAN_UNRESOLVED', 'no programmer in the package');

  if (!(options.programmerLoaded ?? transport.firehoseOnly)) {
    options.onProgress?.({
      phase: 'sahara',
      ops: staticPlan.ops.length,
      bytesDone: 0,
      bytesTotal: staticPlan.totalBytes,
    });
    const programmer = await openRandomAccess(programmerPath);
    try {
      await uploadProgrammer(transport, programmer);
    } finally {
      await programmer.close();
    }
  }

  options.onProgress?.({
    phase: 'configure',
    ops: staticPlan.ops.length,
    bytesDone: 0,
    bytesTotal: staticPlan.totalBytes,
  });
  const client = new FirehoseClient(transport, {
    timeouts: timeoutsFor(staticPlan.storage, options.timeouts),
    ...(options.onLog ? { onLog: options.onLog } : {}),
  });
  await client.readBanner();
  const memoryName =
    staticPlan.storage === 'nand' ? 'nand' : staticPlan.storage === 'emmc' ? 'eMMC' : 'UFS';
  await client.configure({
    memoryName,
    maxPayload: options.maxPayload ?? (staticPlan.storage === 'nand' ? 8192 : 1048576),
  });

  const infos = new Map<number, StorageInfo>();
  if (client.functions.size === 0 || client.functions.has('getstorageinfo')) {
    const luns = new Set(staticPlan.ops.flatMap((op) => ('lun' in op ? [op.lun] : [])));
    for (const lun of luns.size > 0 ? luns : new Set([0])) {
      try {
        infos.set(lun, await client.storageInfo(lun));
      } catch (e) {
        if (!(e instanceof FirehoseError)) throw e; // a programmer that cannot say: plan without the disk size
      }
    }
  }
  const plan = await buildPlan(pkg, factsFrom(staticPlan, infos));
  const final = gated(withProgrammer(plan, options), pkg, options);
  options.onPlan?.(final);
  return executePlan(final, client, {
    root: pkg.root,
    device: transport.description,
    ...(options.verify === undefined ? {} : { verify: options.verify }),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
}

/**
 * Brings a modem that is already in EDL (05c6:9008), bricked or interrupted, back to the
 * package's contents: the same checked flash, from the PBL.
 */
export async function edlRecover(
  firmware: string | FirmwarePackage,
  transport: Transport,
  options: FlashOptions = {},
): Promise<FlashReport> {
  return flash(firmware, transport, options);
}
