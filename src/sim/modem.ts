/**
 * A simulated Qualcomm modem: one device with persistent storage that boots into EDL
 * (Sahara PBL, then the uploaded Firehose programmer) or normal mode (AT port), resets and
 * re-enumerates with its real timing, and breaks on demand ({@link FaultPlan}). Each
 * `connect()` is one USB attachment; a reset or unplug ends it, and the next `connect()`
 * sees whatever the device enumerated as next. After a reset or power-on the device boots
 * the way a real one does: into normal mode if its storage holds a boot loader, into EDL
 * if not (or always, while its EDL boot is forced).
 *
 * @module
 */
import { TransportClosedError } from '../errors.js';
import { AtModem } from './at-modem.js';
import { holdsBootLoader } from './boot-check.js';
import { DeviceOutput } from './device-output.js';
import { writeFactoryContents } from './factory-contents.js';
import { FaultState, type FaultPlan } from './faults.js';
import type { SimulatedModemOptions } from './modem-options.js';
import type { FirehoseEffect, FirehoseTarget } from './firehose-target.js';
import { ProgrammerPort } from './modem-programmer.js';
import { profile as profileById, type DeviceProfile } from './profiles.js';
import { SaharaTarget } from './sahara-target.js';
import { SimLink } from './sim-transport.js';
import { Storage } from './storage/storage.js';
import { DeviceClock, noWork, SimTiming } from './timing.js';

export type { SimulatedModemOptions } from './modem-options.js';

/** What the device currently is on the bus. */
export type ModemState = 'edl' | 'normal' | 'gone' | 'off';

/** One simulated device. */
export class SimulatedModem {
  readonly profile: DeviceProfile;
  readonly storage: Storage;
  readonly faults: FaultPlan;
  readonly timing: SimTiming;
  private readonly faultState: FaultState;
  private readonly clock = new DeviceClock();
  private stateValue: ModemState;
  private link: SimLink | undefined;
  private output: DeviceOutput | undefined;
  private sahara: SaharaTarget | undefined;
  private port: ProgrammerPort | undefined;
  private at: AtModem | undefined;
  private hostBytes = 0;
  private bootableDrive: number;
  private readonly enumerated: (() => void)[] = [];
  private readonly stateListeners: (() => void)[] = [];
  /** Files uploaded with AT+QFUPL into the module's UFS area, by name. */
  readonly ufsFiles = new Map<string, Uint8Array>();
  /** Every Sahara boot of this device (tests read the PBL's trace). */
  readonly saharaBoots: SaharaTarget[] = [];
  /** Every programmer run (tests read the commands it received). */
  readonly firehoseRuns: FirehoseTarget[] = [];
  /** What the modem reports in normal mode now (changes after an update). */
  revision: { revision: string; fullRevision: string } | undefined;
  /** Whether every boot comes up in EDL. */
  holdEdl: boolean;

  constructor(private readonly options: SimulatedModemOptions = {}) {
    this.profile =
      typeof options.profile === 'object'
        ? options.profile
        : profileById(options.profile ?? 'eg25g');
    this.storage = options.storage ?? new Storage(this.profile.storage);
    this.faults = options.faults ?? {};
    this.faultState = new FaultState(this.faults);
    this.timing = new SimTiming(this.profile.timing, options.timing);
    this.stateValue = options.state ?? 'edl';
    this.holdEdl = options.holdEdl ?? false;
    this.bootableDrive = this.profile.storage.kind === 'ufs' ? 1 : 0;
    if (!options.storage) writeFactoryContents(this.profile, this.storage);
  }

  private event(line: string): void {
    this.options.onEvent?.(`sim ${this.profile.id}: ${line}`);
  }

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
    return this.port?.target;
  }

  /** Device time spent on commands and data so far, in ms (the timing model's clock). */
  get deviceTimeMs(): number {
    return this.clock.spentMs;
  }

  /** Whether a link is attached now (a host holds the device). */
  get inUse(): boolean {
    return this.link?.attached ?? false;
  }

  /** Calls `listener` whenever the device appears on or leaves the bus. */
  onStateChange(listener: () => void): void {
    this.stateListeners.push(listener);
  }

  /** Resolves when the device is next on the bus (immediately if it is). */
  async waitForEnumeration(): Promise<void> {
    if (this.stateValue === 'edl' || this.stateValue === 'normal') return;
    await new Promise<void>((resolve) => this.enumerated.push(resolve));
  }

  /**
   * Opens the device as the host would open its USB interface (EDL) or AT port (normal
   * mode); a link already open is replaced, as by a replug. A fresh EDL attachment finds
   * the PBL sending HELLO, unless it was missed.
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
      {
        fromHost: (data): Promise<void> => this.fromHost(link, data),
        readLength: () =>
          this.stateValue === 'edl' ? (this.programmer ?? this.sahara)?.readLength : undefined,
      },
    );
    this.link = link;
    this.output = new DeviceOutput(link, this.faults.shortReadBytes);
    this.event(`host attached (${this.stateValue === 'edl' ? 'EDL' : 'normal mode'})`);
    if (this.stateValue === 'normal') this.at = this.atModem();
    else if (!this.sahara && !this.port) this.startPbl(this.output);
    return link;
  }

  private startPbl(output: DeviceOutput): void {
    const reject = this.faults.rejectProgrammerStatus;
    this.sahara = new SaharaTarget(
      this.profile,
      reject === undefined ? {} : { forceStatus: reject },
    );
    this.saharaBoots.push(this.sahara);
    if (this.faultState.armed('missHello')) this.faultState.fire('missHello');
    else output.send([this.sahara.hello()]);
  }

  private atModem(): AtModem {
    const current = this.revision ?? this.profile.normal;
    const later = (transfers: Uint8Array[], delayMs: number): void => {
      setTimeout(() => {
        if (this.link?.attached) this.output?.send(transfers);
      }, delayMs);
    };
    return new AtModem(
      { ...this.profile, normal: { ...this.profile.normal, ...current } },
      {
        switchToEdl: () =>
          this.goOffBus('switching to EDL', 'edl', this.timing.protocolMs('switchToEdlMs')),
        later,
        updated: () => {
          if (this.options.afterUpdateRevision) this.revision = this.options.afterUpdateRevision;
        },
        revision: () => this.revision,
        faults: this.faults,
      },
      this.ufsFiles,
    );
  }

  /** Cuts power: the link drops, nothing answers until `powerOn()`. Storage keeps what was written. */
  powerOff(): void {
    this.resetTargets();
    this.setState('off', 'power lost');
  }

  /** Boots again: into `state` when given, else as the device boots (EDL without a boot loader). */
  powerOn(state?: 'edl' | 'normal'): void {
    this.resetTargets();
    this.setState(state ?? this.bootTarget(), 'powered on');
  }

  /** Power off, then on: how a user unsticks a modem. */
  powerCycle(): void {
    this.powerOff();
    this.powerOn();
  }

  /** Unplugs the USB cable (the device keeps its state until replugged with `powerOn`). */
  unplug(reason = 'unplugged'): void {
    this.resetTargets();
    this.setState('gone', reason);
  }

  /** What a boot comes up as now. */
  bootTarget(): 'edl' | 'normal' {
    if (this.holdEdl) return 'edl';
    return holdsBootLoader(this.profile, this.storage, this.bootableDrive) ? 'normal' : 'edl';
  }

  private setState(state: ModemState, reason: string): void {
    this.stateValue = state;
    if (state !== 'edl' && state !== 'normal') this.link?.disconnect(reason);
    this.event(
      `${state === 'gone' ? 'left the bus' : state === 'off' ? 'off' : `on the bus in ${state === 'edl' ? 'EDL (05c6:9008)' : 'normal mode'}`} (${reason})`,
    );
    if (state === 'edl' || state === 'normal')
      for (const resolve of this.enumerated.splice(0)) resolve();
    for (const listener of this.stateListeners) listener();
  }

  private resetTargets(): void {
    this.sahara = undefined;
    this.port = undefined;
    this.at = undefined;
  }

  /** Leaves the bus now and comes back as `next` after `afterMs`. */
  private goOffBus(reason: string, next: 'edl' | 'normal' | 'boot', afterMs: number): void {
    this.resetTargets();
    this.setState('gone', reason);
    // The device boots on its own time: a host process that is done does not wait for it.
    setTimeout(() => {
      if (this.stateValue !== 'gone') return;
      const target = next === 'boot' ? this.bootTarget() : next;
      this.setState(target, next === 'boot' ? 'booted' : reason);
    }, afterMs).unref();
  }

  private async fromHost(link: SimLink, data: Uint8Array): Promise<void> {
    await Promise.resolve();
    if (link !== this.link || !link.attached)
      throw new TransportClosedError(`sim ${this.profile.id}: device gone`, { disconnected: true });
    const limit = this.faults.disconnectAtHostByte;
    this.hostBytes += data.length;
    if (
      limit !== undefined &&
      this.faultState.armed('disconnectAtHostByte') &&
      this.hostBytes >= limit
    ) {
      this.faultState.fire('disconnectAtHostByte');
      this.unplug(`unplugged after ${limit} host bytes (fault)`);
      return;
    }
    const output = this.output;
    if (!output) return;
    // The link's own time for these bytes, whoever on the device takes them.
    await this.clock.spend(this.timing.dataMs({ ...noWork(), hostBytes: data.length }));
    if (this.stateValue === 'normal' && this.at) return output.send(this.at.receive(data));
    if (this.sahara && !this.port) {
      output.send(this.sahara.receive(data));
      if (this.sahara.programmerRunning) this.startProgrammer();
      return;
    }
    await this.port?.receive(data);
  }

  private startProgrammer(): void {
    const port: ProgrammerPort = new ProgrammerPort(
      {
        profile: this.profile,
        storage: this.storage,
        faults: this.faultState,
        timing: this.timing,
        clock: this.clock,
        holdBanner: this.options.holdBanner ?? false,
        unplug: (reason) => this.unplug(reason),
        effect: (effect, target) => this.takeEffect(effect, target),
      },
      () => this.output,
      () => this.port === port && this.link?.attached === true,
    );
    this.port = port;
    this.firehoseRuns.push(port.target);
  }

  private takeEffect(effect: FirehoseEffect, target: FirehoseTarget): void {
    if (target.bootableDrive !== undefined) this.bootableDrive = target.bootableDrive;
    if (effect.kind === 'power-off') return this.powerOff();
    if (this.options.afterUpdateRevision && target.commands.some((c) => c.tag === 'program'))
      this.revision = this.options.afterUpdateRevision;
    // Real: the USB device vanishes within 8 ms of bsp_target_reset() (captures.md §3).
    setTimeout(() => {
      const boot = this.bootTarget();
      const ms = effect.delayMs + this.timing.protocolMs(boot === 'edl' ? 'edlBootMs' : 'bootMs');
      this.goOffBus('reset', 'boot', ms);
    }, 8);
  }
}
