/**
 * The simulated Firehose programmer. Host documents and raw data go in; device transfers
 * come out, each document in its own transfer as real programmers send them, worded in the
 * profile's log style (`firehose-replies.ts`); storage commands are checked as the real
 * programmers check them (`firehose-disk.ts`). Messages with no public original are marked
 * "reconstructed" where they are written.
 *
 * @module
 */
import { QfhError } from '../errors.js';
import { FirehoseFramer } from '../firehose/framer.js';
import { parseDocument, type FirehoseElement } from '../firehose/xml.js';
import {
  attr,
  eraseRange,
  patchDisk,
  rangeOf,
  vendorErase,
  type Disk,
  type DiskRange,
} from './firehose-disk.js';
import { configure, initialSettings, type HostLinkSettings } from './firehose-configure.js';
import { Replies, storageInfoJson } from './firehose-replies.js';
import type { DeviceProfile } from './profiles.js';
import { RangeIO, RawProgram } from './range-io.js';
import type { Storage } from './storage/storage.js';
import { noWork, type DeviceWork } from './timing.js';

export { storageInfoJson } from './firehose-replies.js';

/** What the programmer does next that the modem must act on. */
export type FirehoseEffect = { kind: 'reset'; delayMs: number } | { kind: 'power-off' };

/** Hooks the modem passes in for fault injection. */
export interface FirehoseHooks {
  /** Called before each command; return 'nak' to refuse it, 'silent' to never answer. */
  beforeCommand?(index: number, tag: string): 'nak' | 'silent' | undefined;
  /** Called with each raw program piece before it is stored; may return a shorter piece (power loss). */
  onProgramData?(lun: number, sector: number, data: Uint8Array): Uint8Array;
}

/** The programmer running on one simulated device. */
export class FirehoseTarget {
  private readonly framer = new FirehoseFramer({ maxDocumentBytes: 1 << 20 });
  private readonly replies: Replies;
  private readonly disk: Disk;
  private raw: RawProgram | undefined;

  /** Whether a `<program>`'s data is still owed (a host stopping now would cut it short). */
  get inRawTransfer(): boolean {
    return this.raw !== undefined;
  }
  private opened = false;
  private rawStart = 0;
  private settings: HostLinkSettings;
  private commandIndex = 0;
  private silent = false;
  /** Everything the host sent, parsed, for tests. */
  readonly commands: FirehoseElement[] = [];
  /** Effect requested by the last command (reset, power off), taken by the modem. */
  effect: FirehoseEffect | undefined;
  /** What the device did since the modem last took it (for its clock). */
  work: DeviceWork = noWork();
  /** The LUN `setbootablestoragedrive` named last. */
  bootableDrive: number | undefined;
  private erased = false;

  constructor(
    private readonly profile: DeviceProfile,
    private readonly storage: Storage,
    private readonly hooks: FirehoseHooks = {},
  ) {
    this.replies = new Replies(profile);
    this.disk = { profile, storage, replies: this.replies };
    this.settings = initialSettings(profile);
  }

  /** The start-up banner (sent on its own after Sahara DONE). */
  banner(): Uint8Array[] {
    return this.replies.banner();
  }

  /**
   * The bytes the programmer's next USB read asks for: one payload buffer, which a short
   * packet or a ZLP ends early, except for raw data from a host that said `ZlpAwareHost=0`,
   * where it reads exactly what the `<program>` still owes (at most a payload), ZLP or not.
   */
  get readLength(): number | undefined {
    const owed = this.rawLeft - this.framer.buffered;
    const { payloadToTarget, zlpAwareHost } = this.settings;
    if (this.raw && !zlpAwareHost && owed > 0) return Math.min(owed, payloadToTarget);
    return payloadToTarget;
  }

  private get rawLeft(): number {
    return this.raw?.left ?? 0;
  }

  /** Consumes host bytes; returns device transfers in order. */
  receive(bytes: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    // Raw program data with nothing buffered goes straight to storage (which copies it).
    if (this.raw && this.framer.buffered === 0 && !this.silent) {
      const take = Math.min(bytes.length, this.rawLeft);
      if (!this.storeRaw(bytes.subarray(0, take))) return out;
      if (this.rawLeft === 0) out.push(...this.finishProgram());
      bytes = bytes.subarray(take);
    }
    this.framer.push(bytes);
    for (;;) {
      if (this.silent) {
        this.framer.takeRaw(this.framer.buffered);
        return out;
      }
      if (this.raw) {
        const piece = this.framer.takeRaw(this.rawLeft);
        if (!piece) break;
        if (!this.storeRaw(piece)) return out; // power lost
        if (this.rawLeft === 0) out.push(...this.finishProgram());
        continue;
      }
      const elements = this.nextElements(out);
      if (elements === undefined) break;
      if (!this.run(elements, out)) return out;
      if (this.raw) this.endCommandTransfer();
    }
    return out;
  }

  /**
   * A programmer reads raw data from the transfer after the command's, so XML white space
   * after `</data>` (qdl's newline), buffered with the command, is not data.
   */
  private endCommandTransfer(): void {
    const rest = this.framer.takeRaw(this.framer.buffered);
    let at = 0;
    while (rest && at < rest.length && [0x20, 0x09, 0x0a, 0x0d].includes(rest[at] ?? 0)) at++;
    if (rest && at < rest.length) this.framer.push(rest.subarray(at));
  }

  /** The next document's elements; `[]` after a malformed one (NAKed); `undefined` when none is whole. */
  private nextElements(out: Uint8Array[]): FirehoseElement[] | undefined {
    let text: string | undefined;
    try {
      text = this.framer.nextDocument();
      return text === undefined ? undefined : parseDocument(text);
    } catch (e) {
      if (!(e instanceof QfhError)) throw e;
      if (text === undefined) this.framer.resync(); // the framer failed, not the parser
      out.push(...this.replies.fail('XML packet not formatted correctly. Ignoring.')); // reconstructed
      return [];
    }
  }

  /** Runs commands; false once the programmer went silent (a fault). */
  private run(elements: readonly FirehoseElement[], out: Uint8Array[]): boolean {
    for (const element of elements) {
      this.commands.push(element);
      this.work.commands++;
      const verdict = this.hooks.beforeCommand?.(this.commandIndex++, element.tag);
      if (verdict === 'silent') {
        this.silent = true;
        return false;
      }
      if (verdict === 'nak') out.push(...this.replies.fail(`injected failure for ${element.tag}`));
      else out.push(...this.command(element));
    }
    return true;
  }

  private command(e: FirehoseElement): Uint8Array[] {
    const r = this.replies;
    const known = new Set([...this.profile.firehose.functions, 'nop', 'configure', 'power']);
    if (!known.has(e.tag)) return r.fail(`Unknown XML tag '${e.tag}'`); // reconstructed
    const calling =
      this.profile.firehose.logStyle === '9x07' ? [] : [r.log(`Calling handler for ${e.tag}`)];
    switch (e.tag) {
      case 'configure':
        return [...calling, ...this.configure(e)];
      case 'program':
      case 'read':
      case 'erase':
      case 'getsha256digest':
        return [...calling, ...this.sectorCommand(e)];
      case 'patch':
        return [...calling, ...patchDisk(e, this.disk)];
      case 'getstorageinfo': {
        const lun = Number(attr(e, 'physical_partition_number') ?? 0);
        if (this.storage.sectors(lun) === undefined)
          return [...calling, ...r.fail(`Invalid physical partition ${lun}`)];
        return [
          ...calling,
          r.log(storageInfoJson(this.profile, this.storage, lun)),
          r.response('ACK', false),
        ];
      }
      case 'setbootablestoragedrive':
        this.bootableDrive = Number(attr(e, 'value') ?? 0);
        return [...calling, r.response('ACK', false)];
      case 'nop':
        return [...calling, r.response('ACK', false)];
      case 'power':
        return this.power(e, calling);
      default:
        return [...calling, ...r.fail(`${e.tag} is not implemented by this programmer`)]; // reconstructed
    }
  }

  private configure(e: FirehoseElement): Uint8Array[] {
    const answer = configure(e, { ...this.disk, settings: this.settings });
    this.settings = answer.settings;
    return answer.out;
  }

  private sectorCommand(e: FirehoseElement): Uint8Array[] {
    const r = this.replies;
    if (e.tag === 'erase' && attr(e, 'vendor') !== undefined) return vendorErase(e, this.disk);
    if (e.tag === 'erase' && e.attributes.length === 0) {
      // What real programmers do with an attribute-less erase: the whole device (fwupd #8382).
      this.storage.erase(0, 0, this.storage.sectors(0) ?? 0);
      return [r.response('ACK', false)];
    }
    const range = rangeOf(e, this.disk);
    if (Array.isArray(range)) return range;
    const open = this.openLogs();
    if (e.tag === 'erase') return this.erase(range, open);
    const pages = this.storage.skipBadBlocks(range.lun, range.start, range.sectors);
    if (pages === 'past-end')
      return r.fail(
        `bad blocks push ${e.tag} of ${range.sectors} pages past the end of the device`,
      ); // reconstructed
    const io = new RangeIO(this.storage, range, pages);
    if (e.tag === 'getsha256digest') {
      this.work.digestBytes += range.sectors * this.storage.sectorSize;
      return [...open, r.log(`Digest ${io.digest()}`), r.response('ACK', false)]; // reconstructed text
    }
    if (e.tag === 'read')
      return [...open, r.response('ACK', true), ...io.pieces(), r.response('ACK', false)];
    const nine = this.profile.firehose.logStyle === '9x07';
    const last = range.start + range.sectors;
    const programLogs = nine
      ? [
          r.log('INSIDE HANDLE PROGRAM'),
          r.log(`start_sector ${range.start}, last_sector_address ${last}`),
        ]
      : open;
    if (range.sectors === 0)
      return [...programLogs, r.response('ACK', true), r.response('ACK', false)];
    this.raw = new RawProgram(io, this.storage.sectorSize);
    this.rawStart = range.start;
    return [...programLogs, r.response('ACK', true)];
  }

  private erase(range: DiskRange, open: Uint8Array[]): Uint8Array[] {
    const blockBytes = (this.profile.storage.pagesPerBlock ?? 64) * this.storage.sectorSize;
    this.work.eraseBlocks += Math.ceil((range.sectors * this.storage.sectorSize) / blockBytes);
    this.work.firstErase ||= !this.erased && this.profile.storage.kind === 'nand';
    this.erased = true;
    return eraseRange(range, this.disk, open);
  }

  /** SDX NAND programmers announce the NAND open once, then reuse the handle. */
  private openLogs(): Uint8Array[] {
    const r = this.replies;
    if (this.profile.firehose.logStyle !== 'sdx') return [];
    if (this.opened) return [r.log('NAND was previously open, returning existing handle 0.')];
    this.opened = true;
    const [a, b] = this.profile.firehose.bbtLines ?? [0, 0];
    return [r.log(`[${a}] bbt_size:100 blocks:800.`), r.log(`[${b}] bbt_size:100 blocks:800.`)];
  }

  /** Stores a raw piece; false when power was lost while it was written. */
  private storeRaw(piece: Uint8Array): boolean {
    const raw = this.raw;
    if (!raw) return true;
    const kept = this.hooks.onProgramData ? this.hooks.onProgramData(0, raw.sector, piece) : piece;
    this.work.programBytes += kept.length;
    raw.store(kept, piece.length);
    if (kept.length === piece.length) return true;
    this.raw = undefined;
    this.effect = { kind: 'power-off' };
    return false;
  }

  private finishProgram(): Uint8Array[] {
    if (!this.raw) return [];
    this.raw = undefined;
    const nine = this.profile.firehose.logStyle === '9x07';
    const done = nine ? [this.replies.log(`Finished sector address ${this.rawStart}`)] : [];
    return [...done, this.replies.response('ACK', false)];
  }

  private power(e: FirehoseElement, calling: Uint8Array[]): Uint8Array[] {
    const value = attr(e, 'value') === 'off' ? 'off' : 'reset';
    const delayMs = Number(attr(e, 'DelayInSeconds') ?? 0) * 1000;
    this.effect = value === 'off' ? { kind: 'power-off' } : { kind: 'reset', delayMs };
    return this.replies.power(value, calling);
  }
}
