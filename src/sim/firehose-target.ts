/**
 * The simulated Firehose programmer. Host documents and raw data go in; device transfers
 * come out, each document in its own transfer as real programmers send them, worded in the
 * profile's log style (`firehose-replies.ts`); storage commands are checked as the real
 * programmers check them (`firehose-disk.ts`). Messages with no public original are marked
 * "reconstructed" where they are written.
 *
 * @module
 */
import { createHash } from 'node:crypto';
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
import { Replies, storageInfoJson } from './firehose-replies.js';
import type { DeviceProfile } from './profiles.js';
import type { Storage } from './storage/storage.js';

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

/** A program in raw mode: whole sectors are stored as they arrive; a partial sector waits in `carry`. */
type Raw = DiskRange & { received: number; stored: number; carry: Uint8Array };

/** Sectors read or hashed at a time (memory stays bounded on multi-GiB ranges). */
const CHUNK_BYTES = 1 << 20;

/** The programmer running on one simulated device. */
export class FirehoseTarget {
  private readonly framer = new FirehoseFramer({ maxDocumentBytes: 1 << 20 });
  private readonly replies: Replies;
  private readonly disk: Disk;
  private raw: Raw | undefined;
  private opened = false;
  private payloadToTarget: number;
  private commandIndex = 0;
  private silent = false;
  /** Everything the host sent, parsed, for tests. */
  readonly commands: FirehoseElement[] = [];
  /** Effect requested by the last command (reset, power off), taken by the modem. */
  effect: FirehoseEffect | undefined;

  constructor(
    private readonly profile: DeviceProfile,
    private readonly storage: Storage,
    private readonly hooks: FirehoseHooks = {},
  ) {
    this.replies = new Replies(profile);
    this.disk = { profile, storage, replies: this.replies };
    this.payloadToTarget = Math.min(
      profile.firehose.maxPayloadToTarget,
      profile.storage.kind === 'nand' ? 8192 : 1048576,
    );
  }

  /** The start-up banner (sent on its own after Sahara DONE). */
  banner(): Uint8Array[] {
    return this.replies.banner();
  }

  private get rawLeft(): number {
    return this.raw ? this.raw.sectors * this.storage.sectorSize - this.raw.received : 0;
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
    }
    return out;
  }

  /** The next document's elements; `[]` after a malformed one (NAKed); `undefined` when none is whole. */
  private nextElements(out: Uint8Array[]): FirehoseElement[] | undefined {
    const malformed = (): FirehoseElement[] => {
      out.push(...this.replies.fail('XML packet not formatted correctly. Ignoring.')); // reconstructed
      return [];
    };
    let text: string | undefined;
    try {
      text = this.framer.nextDocument();
    } catch (e) {
      if (!(e instanceof QfhError)) throw e;
      this.framer.resync();
      return malformed();
    }
    if (text === undefined) return undefined;
    try {
      return parseDocument(text);
    } catch (e) {
      if (!(e instanceof QfhError)) throw e;
      return malformed();
    }
  }

  /** Runs commands; false once the programmer went silent (a fault). */
  private run(elements: readonly FirehoseElement[], out: Uint8Array[]): boolean {
    for (const element of elements) {
      this.commands.push(element);
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
      case 'nop':
      case 'setbootablestoragedrive':
        return [...calling, r.response('ACK', false)];
      case 'power':
        return this.power(e, calling);
      default:
        return [...calling, ...r.fail(`${e.tag} is not implemented by this programmer`)]; // reconstructed
    }
  }

  private configure(e: FirehoseElement): Uint8Array[] {
    const r = this.replies;
    const memory = (attr(e, 'MemoryName') ?? '').toLowerCase();
    const f = this.profile.firehose;
    if (memory !== this.profile.storage.kind)
      return [
        r.errorLog(`Not support configure MemoryName ${attr(e, 'MemoryName') ?? ''}`),
        r.response('NAK', undefined, f.configureAck(this.payloadToTarget).slice()),
      ];
    const asked = Number(attr(e, 'MaxPayloadSizeToTargetInBytes') ?? this.payloadToTarget);
    if (!Number.isFinite(asked) || asked <= 0 || asked > f.maxPayloadToTarget)
      return [
        r.log("Host's payload to target size is too large"),
        r.response('NAK', undefined, f.configureAck(f.maxPayloadToTarget).slice()),
      ];
    this.payloadToTarget = asked;
    const logs = f.logStyle === 'sdx' ? [r.log(`Storage type set to value ${memory}`)] : [];
    return [...logs, r.response('ACK', undefined, f.configureAck(asked))];
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
    if (e.tag === 'erase') return eraseRange(range, this.disk, open);
    if (e.tag === 'getsha256digest')
      return [...open, r.log(`Digest ${this.digest(range)}`), r.response('ACK', false)]; // reconstructed text
    if (e.tag === 'read')
      return [
        ...open,
        r.response('ACK', true),
        ...this.readPieces(range),
        r.response('ACK', false),
      ];
    const programLogs =
      this.profile.firehose.logStyle === '9x07'
        ? [
            r.log('INSIDE HANDLE PROGRAM'),
            r.log(
              `start_sector ${range.start}, last_sector_address ${range.start + range.sectors}`,
            ),
          ]
        : open;
    if (range.sectors === 0)
      return [...programLogs, r.response('ACK', true), r.response('ACK', false)];
    this.raw = { ...range, received: 0, stored: 0, carry: new Uint8Array(0) };
    return [...programLogs, r.response('ACK', true)];
  }

  /** Sectors per chunk of at most {@link CHUNK_BYTES}. */
  private get chunkSectors(): number {
    return Math.max(1, Math.floor(CHUNK_BYTES / this.storage.sectorSize));
  }

  /** SHA-256 of a range, hashed chunk by chunk from the stored pages. */
  private digest(r: DiskRange): string {
    const hash = createHash('sha256');
    for (let at = 0; at < r.sectors; at += this.chunkSectors)
      hash.update(
        this.storage.read(r.lun, r.start + at, Math.min(this.chunkSectors, r.sectors - at)),
      );
    return hash.digest('hex').toUpperCase();
  }

  /** A range as raw transfers of at most 1 MiB each. */
  private readPieces(r: DiskRange): Uint8Array[] {
    const pieces: Uint8Array[] = [];
    for (let at = 0; at < r.sectors; at += this.chunkSectors)
      pieces.push(
        this.storage.read(r.lun, r.start + at, Math.min(this.chunkSectors, r.sectors - at)),
      );
    return pieces;
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

  /**
   * Stores the whole sectors of a raw piece at once (memory stays bounded however large the
   * image). Returns false when power was lost: the page being written is left half programmed.
   */
  private storeRaw(piece: Uint8Array): boolean {
    const raw = this.raw;
    if (!raw) return true;
    const size = this.storage.sectorSize;
    const kept = this.hooks.onProgramData
      ? this.hooks.onProgramData(raw.lun, raw.start + raw.stored, piece)
      : piece;
    raw.received += piece.length;
    const data = raw.carry.length === 0 ? kept : Buffer.concat([raw.carry, kept]);
    const whole = data.length - (data.length % size);
    if (whole > 0) this.storage.write(raw.lun, raw.start + raw.stored, data.subarray(0, whole));
    raw.stored += whole / size;
    raw.carry = Uint8Array.from(data.subarray(whole));
    if (kept.length === piece.length) return true;
    if (raw.carry.length > 0) {
      const page = this.storage.read(raw.lun, raw.start + raw.stored, 1);
      page.set(raw.carry);
      this.storage.write(raw.lun, raw.start + raw.stored, page);
    }
    this.raw = undefined;
    this.effect = { kind: 'power-off' };
    return false;
  }

  private finishProgram(): Uint8Array[] {
    const raw = this.raw;
    this.raw = undefined;
    if (!raw) return [];
    const nine = this.profile.firehose.logStyle === '9x07';
    const done = nine ? [this.replies.log(`Finished sector address ${raw.start}`)] : [];
    return [...done, this.replies.response('ACK', false)];
  }

  private power(e: FirehoseElement, calling: Uint8Array[]): Uint8Array[] {
    const r = this.replies;
    const value = attr(e, 'value') ?? 'reset';
    const delayMs = Number(attr(e, 'DelayInSeconds') ?? 0) * 1000;
    this.effect = value === 'off' ? { kind: 'power-off' } : { kind: 'reset', delayMs };
    const requested = r.log(
      `Inside handlePower() - Requested POWER_${value === 'off' ? 'OFF' : 'RESET'}`,
    );
    const style = this.profile.firehose.logStyle;
    if (style === '9x07') return [requested, r.bare('ACK')];
    if (style === 'sdx')
      // Real: the ACK comes before the last two logs.
      return [
        ...calling,
        r.response('ACK', false),
        r.log(
          'Will issue reset/power off 100 useconds, if this hangs check if watchdog is enabled',
        ),
        r.log('bsp_target_reset() 1'),
      ];
    return [
      ...calling,
      requested,
      r.response('ACK', false),
      r.log(
        'Issuing bsp_target_reset() after 1 seconds, if this hangs, do you have WATCHDOG enabled?',
      ),
    ];
  }
}
