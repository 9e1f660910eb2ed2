/**
 * The simulated modem while its Firehose programmer runs: the banner sent on its own about a
 * second after Sahara DONE (as the real ones do), each batch of host bytes turned into
 * device time (command latency, erase, program, digest, link rate) on the device clock, the
 * faults that shape what the programmer says (NAK, silence, garbage, a cut reply, logs
 * after responses, a ZLP stall, a late configure), and the effect a command leaves
 * (reset, power off) handed back to the modem.
 *
 * @module
 */
import type { DeviceOutput } from './device-output.js';
import { isRawModeTrue, isResponse, logsAfterResponses } from './device-output.js';
import type { FaultState } from './faults.js';
import { Replies } from './firehose-replies.js';
import { FirehoseTarget, type FirehoseEffect } from './firehose-target.js';
import type { DeviceProfile } from './profiles.js';
import type { Storage } from './storage/storage.js';
import { noWork, type DeviceClock, type SimTiming } from './timing.js';

/** What the port needs from its modem. */
export interface PortContext {
  readonly profile: DeviceProfile;
  readonly storage: Storage;
  readonly faults: FaultState;
  readonly timing: SimTiming;
  readonly clock: DeviceClock;
  /** Keep the banner back (hosts that cannot take unsolicited logs). */
  readonly holdBanner: boolean;
  /** The device leaves the bus (a fault). */
  unplug(reason: string): void;
  /** A command asked for a reset or power-off. */
  effect(effect: FirehoseEffect, target: FirehoseTarget): void;
}

/** One programmer run on one link. */
export class ProgrammerPort {
  readonly target: FirehoseTarget;
  private programBytes = 0;
  private configured = false;

  constructor(
    private readonly ctx: PortContext,
    /** The device's output on whichever link is attached now: a programmer outlives the host's handle. */
    private readonly currentOutput: () => DeviceOutput | undefined,
    isCurrent: () => boolean,
  ) {
    this.target = new FirehoseTarget(ctx.profile, ctx.storage, {
      beforeCommand: (index) => this.commandFault(index),
      onProgramData: (_lun, _sector, piece) => this.programData(piece),
    });
    const f = ctx.faults;
    const late = f.armed('bannerLateMs') ? (f.plan.bannerLateMs ?? 0) : 0;
    if (late) f.fire('bannerLateMs');
    if (ctx.holdBanner) return;
    const delay = ctx.timing.protocolMs('bannerMs') + late;
    const banner = (): void => {
      if (isCurrent()) this.currentOutput()?.send(this.target.banner());
    };
    // Even with no delay the banner goes out after this constructor: the modem only knows
    // this port as its programmer once it returns (protocol: 'instant' used to throw here).
    if (delay > 0) setTimeout(banner, delay).unref();
    else queueMicrotask(banner);
  }

  private commandFault(index: number): 'nak' | 'silent' | undefined {
    const f = this.ctx.faults;
    if (f.atCommand('disconnectAtCommand', index)) {
      queueMicrotask(() => this.ctx.unplug(`unplugged at command ${index} (fault)`));
      return 'silent';
    }
    if (f.atCommand('nakCommand', index)) return 'nak';
    if (f.atCommand('silentCommand', index)) return 'silent';
    if (f.atCommand('floodLogsAtCommand', index)) {
      this.floodLogs();
      return 'silent';
    }
    if (f.atCommand('garbageCommand', index)) {
      this.currentOutput()?.send([
        Uint8Array.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x13, 0x37, 0x42]),
      ]);
      return 'silent';
    }
    return undefined;
  }

  /** The flood fault: a log line every 20 ms while a link is attached, for two minutes at most. */
  private floodLogs(): void {
    const line = new Replies(this.ctx.profile).log('Trace: qusb_dci_poll pending');
    const until = Date.now() + 120_000;
    const timer = setInterval(() => {
      const out = this.currentOutput();
      if (out === undefined || Date.now() > until) clearInterval(timer);
      else out.send([line]);
    }, 20);
    timer.unref();
  }

  private programData(piece: Uint8Array): Uint8Array {
    const f = this.ctx.faults;
    const limit = f.plan.powerLossAtProgramByte;
    const before = this.programBytes;
    this.programBytes += piece.length;
    if (limit === undefined || !f.armed('powerLossAtProgramByte') || this.programBytes <= limit)
      return piece;
    f.fire('powerLossAtProgramByte');
    return piece.subarray(0, Math.max(0, limit - before));
  }

  /** Host bytes for the programmer; resolves once the device has spent their time. */
  async receive(data: Uint8Array): Promise<void> {
    const { ctx, target } = this;
    const commandsBefore = target.commands.length;
    let out = target.receive(data);
    const work = target.work;
    target.work = noWork();
    const commands = target.commands.slice(commandsBefore);
    await ctx.clock.spend(
      work.commands * ctx.timing.protocolMs('commandMs') + ctx.timing.dataMs(work),
    );
    if (out.length > 0) await ctx.clock.settle();
    const truncate = ctx.faults.plan.truncateCommand;
    if (truncate !== undefined && commands.length > 0) {
      const hit = commands.some((_, i) =>
        ctx.faults.atCommand('truncateCommand', commandsBefore + i),
      );
      if (hit) out = out.map((t) => (isResponse(t) ? t.subarray(0, Math.floor(t.length / 2)) : t));
    }
    const decoy = ctx.faults.plan.digestDecoy;
    if (decoy !== undefined && commands.some((c) => c.tag === 'getsha256digest'))
      out = out.flatMap((t) =>
        new TextDecoder().decode(t).includes('Digest ')
          ? [new Replies(ctx.profile).log(`Digest ${decoy}`), t]
          : [t],
      );
    if (ctx.faults.plan.logsAfterResponse) out = logsAfterResponses(out);
    const slow =
      this.slowConfigure(commands.some((c) => c.tag === 'configure')) + this.flushDelay(out);
    const zlpStallMs = ctx.faults.plan.zlpStallMs;
    this.currentOutput()?.send(out, {
      ...(slow ? { delayMs: slow } : {}),
      ...(zlpStallMs === undefined ? {} : { zlpStallMs }),
    });
    const effect = target.effect;
    target.effect = undefined;
    if (effect) ctx.effect(effect, target);
  }

  /** The program flush fault: the final ACK of a program waits for its cache to flush. */
  private flushDelay(out: readonly Uint8Array[]): number {
    const perMiB = this.ctx.faults.plan.programFlushMsPerMiB;
    const last = this.target.commands.at(-1);
    if (perMiB === undefined || last?.tag !== 'program' || !out.some(isResponse)) return 0;
    if (out.some(isRawModeTrue)) return 0; // the ACK that opens raw mode, not the final one
    const sectors = Number(last.attributes.find(([k]) => k === 'num_partition_sectors')?.[1] ?? 0);
    const size = Number(last.attributes.find(([k]) => k === 'SECTOR_SIZE_IN_BYTES')?.[1] ?? 0);
    return (perMiB * sectors * size) / (1 << 20);
  }

  /** The delay of the first configure's answer, when that fault is armed. */
  private slowConfigure(hasConfigure: boolean): number {
    const f = this.ctx.faults;
    if (!hasConfigure || this.configured) return 0;
    this.configured = true;
    if (!f.armed('slowConfigureMs')) return 0;
    f.fire('slowConfigureMs');
    return f.plan.slowConfigureMs ?? 0;
  }
}
