/**
 * The one place a Firehose session starts (flash, backup, edl-recover, tests): the
 * programmer checked and uploaded through Sahara with the table's waits (skipped on links
 * that carry Firehose only), the start-up banner waited for as long as a real programmer
 * takes, configure with renegotiation, and getstorageinfo turned into the device facts the
 * planner needs. A programmer that cannot report its storage is not silently planned
 * around: its error is thrown, and nothing has been written.
 *
 * @module
 */
import { deviceFacts, type DeviceFacts, type StorageReport } from '../device-facts.js';
import { FirehoseNakError, UsageError } from '../errors.js';
import { FirehoseClient, type Negotiated } from '../firehose/client.js';
import {
  uploadProgrammer,
  type OpenedProgrammer,
  type ProgrammerSource,
  type UploadResult,
} from '../sahara/client.js';
import { storageTraits, type StorageKind } from '../storage-kind.js';
import { timeoutsFor, type Timeouts } from '../timeouts.js';
import type { Transport } from '../transport/transport.js';

/** The steps of a session start, for progress. */
export type SessionPhase = 'sahara' | 'configure' | 'storage-info';

/** Options for {@link openFirehoseSession}. */
export interface SessionOptions {
  /** The storage the package (or the user) expects: configure's MemoryName and payload. */
  readonly storage: StorageKind;
  /**
   * The programmer to upload: its bytes, or a file path (opened with `openProgrammer`,
   * and checked before Sahara starts).
   */
  readonly programmer?: string | ProgrammerSource | undefined;
  /**
   * Opens a programmer named by path: a runtime with a file system has one (Node's entry
   * passes it); without it, a path is an error.
   */
  readonly openProgrammer?: ((path: string) => Promise<OpenedProgrammer>) | undefined;
  /**
   * The programmer is already running and the link carries Firehose only: skip Sahara.
   * @default the transport's `firehoseOnly`
   */
  readonly programmerLoaded?: boolean | undefined;
  /** Overrides of the timeouts table. */
  readonly timeouts?: Partial<Timeouts> | undefined;
  /** Payload to ask for in configure. @default the storage kind's */
  readonly maxPayload?: number | undefined;
  /** LUNs whose size the plan needs; `[]` asks for none (a replay of a host that never did). @default [0] */
  readonly luns?: readonly number[] | undefined;
  readonly onLog?: ((line: string) => void) | undefined;
  readonly onPhase?: ((phase: SessionPhase) => void) | undefined;
  /** Stops the start at the next safe point. */
  readonly signal?: AbortSignal | undefined;
}

/** A running programmer, configured, with what it said about the device. */
export interface FirehoseSession {
  readonly client: FirehoseClient;
  readonly timeouts: Timeouts;
  /** `undefined` when Sahara was skipped. */
  readonly upload: UploadResult | undefined;
  readonly banner: readonly string[];
  readonly negotiated: Negotiated;
  /** getstorageinfo per LUN asked; empty when the programmer has no getstorageinfo. */
  readonly storage: ReadonlyMap<number, StorageReport>;
  /** What the plan needs, or `undefined` when the programmer cannot say. */
  readonly facts: DeviceFacts | undefined;
}

/** Starts a Firehose session on `transport`; see the module comment. */
export async function openFirehoseSession(
  transport: Transport,
  options: SessionOptions,
): Promise<FirehoseSession> {
  const timeouts = timeoutsFor(options.storage, options.timeouts);
  const signal = options.signal;
  const upload =
    (options.programmerLoaded ?? transport.firehoseOnly)
      ? undefined
      : await uploadOnce(transport, { ...options, timeouts });
  options.onPhase?.('configure');
  const client = new FirehoseClient(transport, {
    timeouts,
    onLog: options.onLog,
    signal,
    initialBytes: upload?.leftover,
  });
  // A programmer that was already running sent its banner long ago; what it sends now
  // answers someone else (an earlier session, or the probe that found it).
  if (upload?.alreadyRunning) await client.discardStale();
  const banner = upload?.alreadyRunning ? [] : await client.readBanner();
  const traits = storageTraits(options.storage);
  const negotiated = await client.configure({
    memoryName: traits.memoryName,
    maxPayload: options.maxPayload ?? traits.defaultPayload,
  });
  const storage = new Map<number, StorageReport>();
  // LUN 0 always: its answer says how many LUNs there are (num_physical).
  const asked = options.luns ?? [0];
  const luns = asked.length === 0 ? [] : [...new Set([0, ...asked])].sort((a, b) => a - b);
  if (luns.length > 0 && client.supports('getstorageinfo') !== 'no') {
    options.onPhase?.('storage-info');
    await readStorageInfo(client, { luns, storage });
  }
  const facts = deviceFacts(options.storage, storage);
  return { client, timeouts, upload, banner, negotiated, storage, facts };
}

async function uploadOnce(
  transport: Transport,
  options: SessionOptions & { timeouts: Timeouts },
): Promise<UploadResult> {
  options.onPhase?.('sahara');
  const given = options.programmer;
  if (given === undefined)
    throw new UsageError(
      'QFH_USAGE',
      'no programmer to upload: the modem is in EDL and needs one',
      {
        hint: 'Pass the firmware package (its prog_*firehose* file is used) or --programmer FILE.',
      },
    );
  const upload = (source: ProgrammerSource): Promise<UploadResult> =>
    uploadProgrammer(transport, source, {
      timeouts: options.timeouts,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  if (typeof given !== 'string') return upload(given);
  if (!options.openProgrammer)
    throw new UsageError(
      'QFH_USAGE',
      `the programmer ${given} is a path, and this runtime has no file system`,
      {
        hint: 'Pass the programmer as a source of bytes ({ size, read(position, length) }).',
      },
    );
  const file = await options.openProgrammer(given);
  try {
    return await upload(file);
  } finally {
    await file.close();
  }
}

/**
 * Asks each LUN the package uses, lowest first. A LUN beyond the device's `num_physical`
 * is not asked, and one the programmer refuses is left out: the plan then refuses the lines
 * that use it (`PLAN_NO_SUCH_LUN`) before anything is written, instead of the session
 * failing on a NAK that says less.
 */
async function readStorageInfo(
  client: FirehoseClient,
  c: { luns: readonly number[]; storage: Map<number, StorageReport> },
): Promise<void> {
  let count: number | undefined;
  for (const lun of c.luns) {
    if (count !== undefined && lun >= count) continue;
    try {
      const info = await client.storageInfo(lun);
      c.storage.set(lun, info);
      count ??= info.numPhysical;
    } catch (e) {
      if (!(e instanceof FirehoseNakError) || lun === 0) throw e;
    }
  }
}
