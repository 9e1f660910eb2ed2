/**
 * The simulated modem's time. Every profile carries its real device's timing
 * (research/captures.md §1.4 and §3); the simulator keeps the protocol part real by default
 * (the banner about 1 s after Sahara DONE, command latency, re-enumeration after a switch or
 * a reset), because a host that only works against an instant device does not work. Bulk
 * data time (programming, erasing, hashing, moving bytes) is scaled separately: 0 in tests,
 * 1 in the modelled benchmarks.
 *
 * @module
 */

/** A real device's timing. */
export interface ProfileTiming {
  /** Sahara DONE → the programmer's banner (RM500Q log: DONE 004.164, banner 005.185). */
  readonly bannerMs: number;
  /** Each Firehose command's own latency (RM500Q configure: 3 ms). */
  readonly commandMs: number;
  /** The first NAND erase scans the bad-block table (SDX55: 0.47 s). */
  readonly firstEraseMs: number;
  /** Per erase block (SDX55: 0.5 s for 452 blocks of 256 KiB). */
  readonly eraseMsPerBlock: number;
  /** Storage program rate (SDX55 NAND 3.86 MB/s, SDX24 2.29 MB/s). */
  readonly programBytesPerSecond: number;
  /** Host → device over the link (USB 2.0 high speed, as the real flashes ran). */
  readonly usbBytesPerSecond: number;
  /** getsha256digest per MiB (reading the range back and hashing it on the device). */
  readonly digestMsPerMiB: number;
  /** DIAG switch → 05c6:9008 on the bus (RM500Q: ≈3 s). */
  readonly switchToEdlMs: number;
  /** Reset → booted into normal mode (EG25-G: "back after about 30 seconds"). */
  readonly bootMs: number;
  /** Reset or power-on → the PBL in EDL sends HELLO. */
  readonly edlBootMs: number;
}

/** The protocol entries (real by default). */
export type ProtocolTiming = 'bannerMs' | 'commandMs' | 'switchToEdlMs' | 'bootMs' | 'edlBootMs';

/** How a simulated modem spends time. */
export interface TimingChoice {
  /** Protocol timing as the real device ('real', the default) or none ('instant'). */
  readonly protocol?: 'real' | 'instant';
  /** Scale of bulk data time: 0 instant (the default), 1 the profile's real rates. */
  readonly dataTimeScale?: number;
  /** Entries replaced (say why where it is done: a test that cannot wait a real 30 s boot). */
  readonly overrides?: Partial<ProfileTiming>;
}

/** Timing of one simulated modem. */
export class SimTiming {
  readonly table: ProfileTiming;
  private readonly real: boolean;
  private readonly scale: number;

  constructor(profile: ProfileTiming, choice: TimingChoice = {}) {
    this.table = { ...profile, ...choice.overrides };
    this.real = (choice.protocol ?? 'real') === 'real';
    this.scale = choice.dataTimeScale ?? 0;
  }

  /** A protocol wait, in ms. */
  protocolMs(entry: ProtocolTiming): number {
    return this.real ? this.table[entry] : 0;
  }

  /** Device time for bulk work, in ms. */
  dataMs(work: DeviceWork): number {
    if (this.scale === 0) return 0;
    const t = this.table;
    const ms =
      (work.firstErase ? t.firstEraseMs : 0) +
      work.eraseBlocks * t.eraseMsPerBlock +
      (work.programBytes / t.programBytesPerSecond) * 1000 +
      (work.digestBytes / (1 << 20)) * t.digestMsPerMiB +
      (work.hostBytes / t.usbBytesPerSecond) * 1000;
    return ms * this.scale;
  }
}

/** What one batch of host bytes made the device do. */
export interface DeviceWork {
  firstErase: boolean;
  eraseBlocks: number;
  programBytes: number;
  digestBytes: number;
  hostBytes: number;
  commands: number;
}

/** No work yet. */
export const noWork = (): DeviceWork => ({
  firstErase: false,
  eraseBlocks: 0,
  programBytes: 0,
  digestBytes: 0,
  hostBytes: 0,
  commands: 0,
});

/** Device work the simulator lets queue up before it makes the host wait (ms). */
const QUEUE_HIGH_MS = 8;
/** Device work still queued when the host may go on (ms): the device's buffer. */
const QUEUE_LOW_MS = 4;

/**
 * The device's own clock: work advances it, and the simulator waits only when the device
 * runs ahead of real time by more than a few milliseconds, so timer granularity (≈1 ms per
 * setTimeout) does not inflate thousands of sub-millisecond costs. The host is let go while
 * a few milliseconds of work are still queued, as a real device takes the next transfer
 * into its buffer while it programs the last one (the RM500Q's large images ran at
 * 3.83–3.86 MB/s, its NAND's own rate: the link never left the NAND idle, captures.md §3).
 * Device time is never lost: queued work starts where the last ended, so a run's wall time
 * is its device time to within those few milliseconds.
 */
export class DeviceClock {
  private at = 0;
  /** Device time spent so far, in ms. */
  spentMs = 0;

  async spend(ms: number): Promise<void> {
    if (ms <= 0) return;
    this.spentMs += ms;
    const now = performance.now();
    this.at = Math.max(this.at, now) + ms;
    const ahead = this.at - now;
    if (ahead > QUEUE_HIGH_MS) await new Promise((r) => setTimeout(r, ahead - QUEUE_LOW_MS));
  }

  /**
   * Resolves once the queued work is done: what the device says about its work (a
   * response, a log) leaves it only then, so a command's latency is the host's to wait
   * for even while data transfers may queue behind the work in progress.
   */
  async settle(): Promise<void> {
    const ahead = this.at - performance.now();
    // Below a millisecond a timer would only add its own overshoot.
    if (ahead >= 1) await new Promise((r) => setTimeout(r, ahead));
  }
}
