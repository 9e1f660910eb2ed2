/**
 * A simulated Qualcomm modem: one device with persistent storage that boots into EDL
 * (Sahara PBL, then the uploaded Firehose programmer) or normal mode (AT port), resets and
 * re-enumerates, and breaks on demand ({@link FaultPlan}). Each `connect()` is one USB
 * attachment; a reset or unplug ends it, and the next `connect()` sees whatever the device
 * enumerated as next.
 *
 * @module
 */
import { TransportClosedError } from '../errors.js';
import { SaharaTarget } from './sahara-target.js';
import { FirehoseTarget } from './firehose-target.js';
import { profile as profileById, type DeviceProfile } from './profiles.js';
import { Storage } from './storage/storage.js';
import { SimLink } from './sim-transport.js';
import type { FaultPlan } from './faults.js';
import { AtModem } from './at-modem.js';

/** What the device currently is on the bus. */
export type ModemState = 'edl' | 'normal' | 'gone' | 'off';

/** Options for {@link SimulatedModem}. */
export interface SimulatedModemOptions {
  /** Profile id or object. @default 'eg25g' */
  profile?: string | DeviceProfile;
  /** Boot state. @default 'edl' */
  state?: 'edl' | 'normal';
  faults?: FaultPlan;
  /** Reuse an existing storage (a modem that keeps its flash across simulator restarts). */
  storage?: Storage;
  /**
   * The revision the modem reports after a flash that ends in a reset (the simulator cannot
   * read a version out of the images it was sent; a test or demo says what the new firmware is).
   */
  afterUpdateRevision?: { revision: string; fullRevision: string };
  /**
   * Scale of the profile's real delays (re-enumeration ≈3 s, programmer start ≈1 s): 1 is
   * real time, 0 makes them instant. @default 0
   */
  timeScale?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One simulated device. */
export class SimulatedModem {
  readonly profile: DeviceProfile;
  readonly storage: Storage;
  readonly faults: FaultPlan;
  private stateValue: ModemState;
  private link: SimLink | undefined;
  private sahara: SaharaTarget | undefined;
  private firehose: FirehoseTarget | undefined;
  private at: AtModem | undefined;
  /** Files uploaded with AT+QFUPL into the module's UFS area, by name. */
  readonly ufsFiles = new Map<string, Uint8Array>();
  private hostBytes = 0;
  /** Ordered device output when a fault delays part of it. */
  private outbox: Promise<void> = Promise.resolve();
  private programBytes = 0;
  private readonly enumerated: (() => void)[] = [];
  private readonly stateListeners: (() => void)[] = [];
  /** Every Sahara boot of this device (tests read the PBL's trace). */
  readonly saharaBoots: SaharaTarget[] = [];
  /** Every programmer run (tests read the commands it received). */
  readonly firehoseRuns: FirehoseTarget[] = [];

  constructor(options: SimulatedModemOptions = {}) {
    this.profile =
      typeof options.profile === 'object'
        ? options.profile
        : profileById(options.profile ?? 'eg25g');
    this.storage = options.storage ?? new Storage(this.profile.storage);
    this.faults = options.faults ?? {};
    this.stateValue = options.state ?? 'edl';
    this.timeScale = options.timeScale ?? 0;
    this.afterUpdate = options.afterUpdateRevision;
    const table = this.profile.partitionTable;
    if (!options.storage && table) this.storage.write(0, table.sector, table.image());
  }

  private readonly timeScale: number;
  private afterUpdate: { revision: string; fullRevision: string } | undefined;
  /** What the modem reports in normal mode now (changes after an update). */
  revision: { revision: string; fullRevision: string } | undefined;

  /** What the device is now: in EDL (05c6:9008), in normal mode, gone from the bus, or off. */
  get state(): ModemState {
    return this.stateValue;
  }

  /** USB identity as enumerated now, or `undefined` while off the bus. */
  get usbId(): { vid: number; pid: number } | undefined {
    if (this.stateValue === 'edl') return { vid: 0x05c6, pid: 0x9008 };
    if (this.stateValue === 'normal') return this.profile.usb.normal;
    return undefined;
  }

  /** The programmer running now, if any. */
  get programmer(): FirehoseTarget | undefined {
    return this.firehose;
  }

  /** Calls `listener` whenever the device appears on or leaves the bus. */
  onStateChange(listener: () => void): void {
    this.stateListeners.push(listener);
  }

  private changed(): void {
    for (const listener of this.stateListeners) listener();
  }

  /** Resolves when the device is next on the bus (immediately if it is). */
  async waitForEnumeration(): Promise<void> {
    if (this.stateValue === 'edl' || this.stateValue === 'normal') return;
    await new Promise<void>((resolve) => this.enumerated.push(resolve));
  }

  /**
   * Opens the device as the host would open its USB interface (EDL) or AT port (normal
   * mode). A fresh EDL attachment finds the PBL sending HELLO, unless it was missed.
   * @throws TransportClosedError when nothing is on the bus.
   */
  connect(): SimLink {
    if (this.stateValue !== 'edl' && this.stateValue !== 'normal')
      throw new TransportClosedError(
        `sim ${this.profile.id}: no device on the bus (${this.stateValue})`,
        { disconnected: true },
      );
    this.link?.disconnect('reopened');
    const link: SimLink = new SimLink(
      `sim ${this.profile.id} ${this.stateValue === 'edl' ? '05c6:9008' : 'AT'}`,
      { fromHost: (data): Promise<void> => this.fromHost(link, data) },
    );
    this.link = link;
    if (this.stateValue === 'normal') {
      const current = this.revision ?? this.profile.normal;
      this.at = new AtModem(
        { ...this.profile, normal: { ...this.profile.normal, ...current } },
        {
          switchToEdl: () => this.reboot('edl', this.profile.normal.reappearMs * this.timeScale),
          later: (transfers, delayMs) => {
            this.outbox = this.outbox.then(async () => {
              await sleep(delayMs);
              if (this.link?.attached) this.send(this.link, transfers);
            });
          },
          updated: () => {
            if (this.afterUpdate) this.revision = this.afterUpdate;
          },
          revision: () => this.revision,
          fotaCorruptUpload: this.faults.fotaCorruptUpload,
          fotaErrorCode: this.faults.fotaErrorCode,
        },
        this.ufsFiles,
      );
      return link;
    }
    if (!this.sahara && !this.firehose) {
      this.sahara = new SaharaTarget(
        this.profile,
        this.faults.rejectProgrammerStatus === undefined
          ? {}
          : { forceStatus: this.faults.rejectProgrammerStatus },
      );
      this.saharaBoots.push(this.sahara);
      if (!this.faults.missHello) this.send(link, [this.sahara.hello()]);
    }
    return link;
  }

  /** Cuts power: the link drops, nothing answers until `powerOn()`. Storage keeps what was written. */
  powerOff(): void {
    this.stateValue = 'off';
    this.resetTargets();
    this.link?.disconnect('power lost');
    this.changed();
  }

  /** Boots again into `state` (EDL by default: a bricked or held-in-EDL modem). */
  powerOn(state: 'edl' | 'normal' = 'edl'): void {
    this.resetTargets();
    this.setState(state);
  }

  /** Unplugs the USB cable (the device keeps its state until replugged with `powerOn`). */
  unplug(reason = 'unplugged'): void {
    this.stateValue = 'gone';
    this.resetTargets();
    this.link?.disconnect(reason);
    this.changed();
  }

  private setState(state: ModemState): void {
    this.stateValue = state;
    if (state === 'edl' || state === 'normal')
      for (const resolve of this.enumerated.splice(0)) resolve();
    this.changed();
  }

  private resetTargets(): void {
    this.sahara = undefined;
    this.firehose = undefined;
    this.at = undefined;
  }

  private reboot(state: 'edl' | 'normal', afterMs: number): void {
    this.stateValue = 'gone';
    this.resetTargets();
    this.link?.disconnect(state === 'edl' ? 'switching to EDL' : 'reset');
    this.changed();
    setTimeout(() => this.setState(state), afterMs);
  }

  private send(link: SimLink, transfers: readonly Uint8Array[]): void {
    const max = this.faults.shortReadBytes;
    for (const t of transfers) {
      if (max === undefined || t.length <= max) link.push(t);
      else for (let at = 0; at < t.length; at += max) link.push(t.subarray(at, at + max));
    }
  }

  private async fromHost(link: SimLink, data: Uint8Array): Promise<void> {
    await Promise.resolve();
    if (link !== this.link || !link.attached)
      throw new TransportClosedError(`sim ${this.profile.id}: device gone`, { disconnected: true });
    const f = this.faults;
    if (
      f.disconnectAtHostByte !== undefined &&
      this.hostBytes + data.length >= f.disconnectAtHostByte
    ) {
      this.hostBytes += data.length;
      this.unplug(`unplugged after ${f.disconnectAtHostByte} host bytes (fault)`);
      return;
    }
    this.hostBytes += data.length;
    const usb = f.timing?.usbBytesPerSecond;
    if (usb !== undefined && Number.isFinite(usb)) await this.spend((data.length / usb) * 1000);
    if (this.stateValue === 'normal' && this.at) {
      this.send(link, this.at.receive(data));
      return;
    }
    if (this.sahara && !this.firehose) {
      this.send(link, this.sahara.receive(data));
      if (this.sahara.programmerRunning) this.startProgrammer(link);
      return;
    }
    if (this.firehose) await this.toProgrammer(link, this.firehose, data);
  }

  /**
   * Advances the device's own clock by `ms` of modelled work and waits only when it runs
   * ahead of real time by more than a few milliseconds, so timer granularity (≈1 ms per
   * setTimeout) does not inflate thousands of sub-millisecond costs.
   */
  private async spend(ms: number): Promise<void> {
    const now = performance.now();
    this.deviceClock = Math.max(this.deviceClock, now) + ms;
    const ahead = this.deviceClock - now;
    if (ahead > 4) await sleep(ahead);
  }

  private deviceClock = 0;

  private startProgrammer(link: SimLink): void {
    const firehose = new FirehoseTarget(this.profile, this.storage, {
      beforeCommand: (index) => this.commandFault(link, index),
      onProgramData: (_lun, _sector, piece) => this.programData(piece),
    });
    this.firehose = firehose;
    this.firehoseRuns.push(firehose);
    const banner = (): void => {
      if (this.firehose === firehose && link.attached) this.send(link, firehose.banner());
    };
    const startup = this.profile.firehose.startupMs * this.timeScale;
    if (startup > 0) setTimeout(banner, startup);
    else banner();
  }

  private commandFault(link: SimLink, index: number): 'nak' | 'silent' | undefined {
    const f = this.faults;
    if (index === f.disconnectAtCommand) {
      queueMicrotask(() => this.unplug(`unplugged at command ${index} (fault)`));
      return 'silent';
    }
    if (index === f.nakCommand) return 'nak';
    if (index === f.silentCommand) return 'silent';
    if (index === f.garbageCommand) {
      this.send(link, [Uint8Array.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x13, 0x37, 0x42])]);
      return 'silent';
    }
    return undefined;
  }

  private programData(piece: Uint8Array): Uint8Array {
    const limit = this.faults.powerLossAtProgramByte;
    const before = this.programBytes;
    this.programBytes += piece.length;
    if (limit === undefined || this.programBytes <= limit) return piece;
    return piece.subarray(0, Math.max(0, limit - before));
  }

  private async toProgrammer(
    link: SimLink,
    firehose: FirehoseTarget,
    data: Uint8Array,
  ): Promise<void> {
    const f = this.faults;
    const commandsBefore = firehose.commands.length;
    let out = firehose.receive(data);
    const commands = firehose.commands.length - commandsBefore;
    const t = f.timing;
    const programRate = t?.programBytesPerSecond;
    const delayMs =
      commands * (t?.commandLatencyMs ?? 0) +
      (programRate !== undefined && Number.isFinite(programRate) && commands === 0
        ? (data.length / programRate) * 1000
        : 0);
    if (delayMs > 0) await this.spend(delayMs);
    if (
      f.truncateCommand !== undefined &&
      commandsBefore <= f.truncateCommand &&
      f.truncateCommand < commandsBefore + commands
    ) {
      out = out.map((t) => (isResponse(t) ? t.subarray(0, Math.floor(t.length / 2)) : t));
    }
    if (f.logsAfterResponse) out = logsAfter(out);
    const stall = f.zlpStallMs;
    if (stall === undefined) this.send(link, out);
    else {
      // A late ZLP holds back everything the device sends after it, not the host's write.
      const transfers = out;
      this.outbox = this.outbox.then(async () => {
        for (const transfer of transfers) {
          this.send(link, [transfer]);
          if (isRawModeTrue(transfer)) {
            await sleep(stall);
            link.push(new Uint8Array(0));
          }
        }
      });
    }
    const effect = firehose.effect;
    firehose.effect = undefined;
    if (effect?.kind === 'power-off') this.powerOff();
    // Real: the USB device vanishes within 8 ms of bsp_target_reset() (captures.md §3).
    else if (effect?.kind === 'reset') {
      if (this.afterUpdate && firehose.commands.some((c) => c.tag === 'program'))
        this.revision = this.afterUpdate;
    }
    if (effect?.kind === 'reset')
      setTimeout(
        () =>
          this.reboot('normal', (this.profile.normal.reappearMs + effect.delayMs) * this.timeScale),
        8,
      );
  }
}

const text = (t: Uint8Array): string =>
  Buffer.from(t.buffer, t.byteOffset, Math.min(t.byteLength, 400)).toString('latin1');
const isResponse = (t: Uint8Array): boolean => text(t).includes('<response');
const isRawModeTrue = (t: Uint8Array): boolean => /<response[^>]*rawmode="true"/.test(text(t));

/**
 * Moves each run of logs that precedes a response to just after it. Not past a
 * rawmode="true" ACK: raw data follows it, and a log there would corrupt any host's read.
 */
function logsAfter(transfers: Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let logs: Uint8Array[] = [];
  for (const t of transfers) {
    if (isResponse(t) && !isRawModeTrue(t)) {
      out.push(t, ...logs);
      logs = [];
    } else if (text(t).includes('<log')) logs.push(t);
    else out.push(...logs.splice(0), t);
  }
  return [...out, ...logs];
}
