/**
 * The simulated Firehose programmer. Host documents and raw data go in; device transfers
 * come out, each document in its own transfer as real programmers send them. Texts follow
 * the profile's log style: `sdx` and `9x07` are copied from the real Quectel sessions;
 * `android` follows research/edl.md §2 and captures.md §1.6. Messages with no public
 * original are marked "reconstructed" where they are written.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { crc32 } from '../crc32.js';
import {
  buildDocument,
  parseDocument,
  type Attribute,
  type FirehoseElement,
} from '../firehose/xml.js';
import { FirehoseFramer } from '../firehose/framer.js';
import { evaluateExpression, parseExpression } from '../package/expression.js';
import { QfhError } from '../errors.js';
import type { DeviceProfile } from './profiles.js';
import type { Storage } from './storage/storage.js';

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
type Raw = {
  lun: number;
  start: number;
  sectors: number;
  received: number;
  stored: number;
  carry: Uint8Array;
};

/** The programmer running on one simulated device. */
export class FirehoseTarget {
  private readonly framer = new FirehoseFramer({ maxDocumentBytes: 1 << 20 });
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
    this.payloadToTarget = Math.min(
      profile.firehose.maxPayloadToTarget,
      profile.storage.kind === 'nand' ? 8192 : 1048576,
    );
  }

  private doc(elements: readonly FirehoseElement[], spaceBeforeClose = true): Uint8Array {
    return new TextEncoder().encode(buildDocument(elements, 'device', spaceBeforeClose));
  }

  /** A `<log>`: the 9x07 programmer writes no `INFO: ` prefix and no space before `/>` (real). */
  private log(value: string): Uint8Array {
    const nine = this.profile.firehose.logStyle === '9x07';
    return this.doc(
      [{ tag: 'log', attributes: [['value', nine ? value : `INFO: ${value}`]] }],
      !nine,
    );
  }

  private errorLog(value: string): Uint8Array {
    const nine = this.profile.firehose.logStyle === '9x07';
    return this.doc(
      [{ tag: 'log', attributes: [['value', nine ? value : `ERROR: ${value}`]] }],
      !nine,
    );
  }

  private response(
    value: 'ACK' | 'NAK',
    rawmode: boolean | undefined,
    extra: readonly Attribute[] = [],
  ): Uint8Array {
    const attrs: Attribute[] = [['value', value], ...extra];
    if (rawmode !== undefined) attrs.push(['rawmode', String(rawmode)]);
    return this.doc([{ tag: 'response', attributes: attrs }]);
  }

  /** The start-up banner (sent on its own after Sahara DONE). */
  banner(): Uint8Array[] {
    const f = this.profile.firehose;
    if (f.logStyle === '9x07') return [this.log(`Supported Functions: ${f.functions.join(' ')} `)];
    return [
      this.log(`Binary build date: ${f.buildDate}`),
      this.log(`Binary build date: ${f.buildDate}.`),
      this.log(
        `Chip serial num: ${this.profile.sahara.serial} (0x${this.profile.sahara.serial.toString(16)})`,
      ),
      this.log(`Supported Functions (${f.functions.length}):`),
      ...f.functions.map((fn) => this.log(fn)),
      this.log(`End of supported functions ${f.functions.length}`),
    ];
  }

  /** Consumes host bytes; returns device transfers in order. */
  receive(bytes: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    // Raw program data with nothing buffered goes straight to storage (which copies it).
    if (this.raw && this.framer.buffered === 0 && !this.silent) {
      const take = Math.min(
        bytes.length,
        this.raw.sectors * this.storage.sectorSize - this.raw.received,
      );
      if (!this.storeRaw(bytes.subarray(0, take))) return out;
      if (this.raw.received === this.raw.sectors * this.storage.sectorSize)
        out.push(...this.finishProgram());
      bytes = bytes.subarray(take);
    }
    this.framer.push(bytes);
    for (;;) {
      if (this.silent) {
        this.framer.takeRaw(this.framer.buffered);
        return out;
      }
      if (this.raw) {
        const piece = this.framer.takeRaw(
          this.raw.sectors * this.storage.sectorSize - this.raw.received,
        );
        if (!piece) break;
        if (!this.storeRaw(piece)) return out; // power lost
        if (this.raw.received === this.raw.sectors * this.storage.sectorSize)
          out.push(...this.finishProgram());
        continue;
      }
      let text: string | undefined;
      try {
        text = this.framer.nextDocument();
      } catch (e) {
        if (!(e instanceof QfhError)) throw e;
        this.framer.resync();
        out.push(
          this.errorLog(`XML packet not formatted correctly. Ignoring.`),
          this.response('NAK', false),
        ); // reconstructed
        continue;
      }
      if (text === undefined) break;
      let elements: FirehoseElement[];
      try {
        elements = parseDocument(text);
      } catch {
        out.push(
          this.errorLog('XML packet not formatted correctly. Ignoring.'),
          this.response('NAK', false),
        ); // reconstructed
        continue;
      }
      for (const element of elements) {
        this.commands.push(element);
        const verdict = this.hooks.beforeCommand?.(this.commandIndex++, element.tag);
        if (verdict === 'silent') {
          this.silent = true;
          return out;
        }
        if (verdict === 'nak')
          out.push(
            this.errorLog(`injected failure for ${element.tag}`),
            this.response('NAK', false),
          );
        else out.push(...this.command(element));
      }
    }
    return out;
  }

  private attr(e: FirehoseElement, name: string): string | undefined {
    return e.attributes.find(([k]) => k === name)?.[1];
  }

  private command(e: FirehoseElement): Uint8Array[] {
    const style = this.profile.firehose.logStyle;
    const known = new Set([...this.profile.firehose.functions, 'nop', 'configure', 'power']);
    if (!known.has(e.tag))
      return [this.errorLog(`Unknown XML tag '${e.tag}'`), this.response('NAK', false)]; // reconstructed
    const calling = style === '9x07' ? [] : [this.log(`Calling handler for ${e.tag}`)];
    switch (e.tag) {
      case 'configure':
        return [...calling, ...this.configure(e)];
      case 'program':
      case 'read':
      case 'erase':
      case 'getsha256digest':
        return [...calling, ...this.sectorCommand(e)];
      case 'patch':
        return [...calling, ...this.patch(e)];
      case 'getstorageinfo':
        return [
          ...calling,
          this.log(
            storageInfoJson(
              this.profile,
              this.storage,
              Number(this.attr(e, 'physical_partition_number') ?? 0),
            ),
          ),
          this.response('ACK', false),
        ];
      case 'nop':
        return [...calling, this.response('ACK', false)];
      case 'setbootablestoragedrive':
        return [...calling, this.response('ACK', false)];
      case 'power':
        return this.power(e, calling);
      default:
        return [
          ...calling,
          this.errorLog(`${e.tag} is not implemented by this programmer`),
          this.response('NAK', false),
        ]; // reconstructed
    }
  }

  private configure(e: FirehoseElement): Uint8Array[] {
    const memory = (this.attr(e, 'MemoryName') ?? '').toLowerCase();
    const f = this.profile.firehose;
    if (memory !== this.profile.storage.kind) {
      return [
        this.errorLog(`Not support configure MemoryName ${this.attr(e, 'MemoryName') ?? ''}`),
        this.response('NAK', undefined, f.configureAck(this.payloadToTarget).slice()),
      ];
    }
    const asked = Number(this.attr(e, 'MaxPayloadSizeToTargetInBytes') ?? this.payloadToTarget);
    if (!Number.isFinite(asked) || asked <= 0 || asked > f.maxPayloadToTarget) {
      return [
        this.log("Host's payload to target size is too large"),
        this.response('NAK', undefined, f.configureAck(f.maxPayloadToTarget).slice()),
      ];
    }
    this.payloadToTarget = asked;
    const logs = f.logStyle === 'sdx' ? [this.log(`Storage type set to value ${memory}`)] : [];
    return [...logs, this.response('ACK', undefined, f.configureAck(asked))];
  }

  /** Validates a sector-addressed command the way the real programmers report problems. */
  private range(
    e: FirehoseElement,
  ): { lun: number; start: number; sectors: number } | Uint8Array[] {
    const fail = (...lines: string[]): Uint8Array[] => [
      ...lines.map((l) => this.errorLog(l)),
      this.response('NAK', false),
    ];
    const size = Number(this.attr(e, 'SECTOR_SIZE_IN_BYTES'));
    // Real texts (edl #714, #522); the erase line number is reconstructed.
    const failure =
      e.tag === 'read'
        ? 'ERROR 4: Line 2193: STORAGE_READ_FAILURE'
        : e.tag === 'erase'
          ? 'ERROR 22: Line 2501: HANDLE_ERASE_FAILURE'
          : 'ERROR 21: Line 2459: HANDLE_PROGRAM_FAILURE';
    if (size !== this.storage.sectorSize)
      return fail(
        `Attribute 'SECTOR_SIZE_IN_BYTES'=${this.attr(e, 'SECTOR_SIZE_IN_BYTES') ?? ''} must be equal to disk sector size ${this.storage.sectorSize}`,
        failure,
      );
    const ppb = this.profile.storage.pagesPerBlock;
    const askedPpb = this.attr(e, 'PAGES_PER_BLOCK');
    if (ppb !== undefined && askedPpb !== undefined && Number(askedPpb) !== ppb)
      return fail(
        `Attribute 'PAGES_PER_BLOCK'=${askedPpb} must be equal to disk pages per block ${ppb}`,
        failure,
      );
    const lun = Number(this.attr(e, 'physical_partition_number') ?? 0);
    const total = this.storage.sectors(lun);
    if (total === undefined) return fail(`Invalid physical partition ${lun}`);
    const context = { NUM_DISK_SECTORS: BigInt(total) };
    let start: number;
    let sectors: number;
    try {
      start = Number(
        evaluateExpression(parseExpression(this.attr(e, 'start_sector') ?? ''), context),
      );
      sectors = Number(
        evaluateExpression(parseExpression(this.attr(e, 'num_partition_sectors') ?? ''), context),
      );
    } catch {
      return fail(`Failed to parse start_sector/num_partition_sectors`); // reconstructed
    }
    if (start + sectors > total)
      return fail(
        `start_sector ${start} + num_partition_sectors ${sectors} is beyond the ${total} sectors of LUN ${lun}`,
        failure,
      ); // reconstructed
    return { lun, start, sectors };
  }

  private sectorCommand(e: FirehoseElement): Uint8Array[] {
    if (e.tag === 'erase' && this.attr(e, 'vendor') !== undefined) return this.vendorErase(e);
    if (e.tag === 'erase' && e.attributes.length === 0) {
      // What real programmers do with an attribute-less erase: the whole device (fwupd #8382).
      this.storage.erase(0, 0, this.storage.sectors(0) ?? 0);
      return [this.response('ACK', false)];
    }
    const r = this.range(e);
    if (Array.isArray(r)) return r;
    const style = this.profile.firehose.logStyle;
    const open = this.openLogs();
    if (e.tag === 'erase') return this.erase(r, open);
    if (e.tag === 'getsha256digest') {
      const digest = createHash('sha256')
        .update(this.storage.read(r.lun, r.start, r.sectors))
        .digest('hex')
        .toUpperCase();
      return [...open, this.log(`Digest ${digest}`), this.response('ACK', false)]; // reconstructed text
    }
    if (e.tag === 'read') {
      const data = this.storage.read(r.lun, r.start, r.sectors);
      const piece = 1 << 20;
      const pieces: Uint8Array[] = [];
      for (let at = 0; at < data.length; at += piece) pieces.push(data.subarray(at, at + piece));
      return [...open, this.response('ACK', true), ...pieces, this.response('ACK', false)];
    }
    const programLogs =
      style === '9x07'
        ? [
            this.log('INSIDE HANDLE PROGRAM'),
            this.log(`start_sector ${r.start}, last_sector_address ${r.start + r.sectors}`),
          ]
        : open;
    if (r.sectors === 0)
      return [...programLogs, this.response('ACK', true), this.response('ACK', false)];
    this.raw = {
      lun: r.lun,
      start: r.start,
      sectors: r.sectors,
      received: 0,
      stored: 0,
      carry: new Uint8Array(0),
    };
    return [...programLogs, this.response('ACK', true)];
  }

  /** SDX NAND programmers announce the NAND open once, then reuse the handle. */
  private openLogs(): Uint8Array[] {
    if (this.profile.firehose.logStyle !== 'sdx') return [];
    if (this.opened) return [this.log('NAND was previously open, returning existing handle 0.')];
    this.opened = true;
    const [a, b] = this.profile.firehose.bbtLines ?? [0, 0];
    return [
      this.log(`[${a}] bbt_size:100 blocks:800.`),
      this.log(`[${b}] bbt_size:100 blocks:800.`),
    ];
  }

  private erase(
    r: { lun: number; start: number; sectors: number },
    open: Uint8Array[],
  ): Uint8Array[] {
    const style = this.profile.firehose.logStyle;
    const ppb = this.profile.storage.pagesPerBlock;
    const head =
      style === '9x07'
        ? [
            this.log(
              `start_sector = ${r.start} and num_partition_sectors =0x${r.sectors.toString(16)})`,
            ),
          ]
        : [...open, this.log(`Erasing start sector ${r.start}, num sectors 0`)];
    if (ppb !== undefined && (r.start % ppb !== 0 || r.sectors % ppb !== 0)) {
      // Real (EG25-G on a 256 KiB-block NAND, quectel_eg25_recovery#29).
      return [
        ...head,
        this.log('start_sector unaligned'),
        this.doc([{ tag: 'response', attributes: [['value', 'NAK']] }], false),
      ];
    }
    this.storage.erase(r.lun, r.start, r.sectors);
    return [
      ...head,
      style === '9x07'
        ? this.doc([{ tag: 'response', attributes: [['value', 'ACK']] }])
        : this.response('ACK', false),
    ];
  }

  private vendorErase(e: FirehoseElement): Uint8Array[] {
    const start = Number(this.attr(e, 'a_rawdata_start_sector'));
    const count = Number(this.attr(e, 'b_rawdata_num_sector'));
    const total = this.storage.sectors(0) ?? 0;
    if (!Number.isInteger(start) || !Number.isInteger(count) || start + count > total)
      return [this.errorLog('vendor erase range invalid'), this.response('NAK', false)]; // reconstructed
    this.storage.erase(0, start, count);
    return [this.response('ACK', false)];
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
    if (kept.length < piece.length) {
      if (raw.carry.length > 0) {
        const page = this.storage.read(raw.lun, raw.start + raw.stored, 1);
        page.set(raw.carry);
        this.storage.write(raw.lun, raw.start + raw.stored, page);
      }
      this.raw = undefined;
      this.effect = { kind: 'power-off' };
      return false;
    }
    return true;
  }

  private finishProgram(): Uint8Array[] {
    const raw = this.raw;
    this.raw = undefined;
    if (!raw) return [];
    const done =
      this.profile.firehose.logStyle === '9x07'
        ? [this.log(`Finished sector address ${raw.start}`)]
        : [];
    return [...done, this.response('ACK', false)];
  }

  private patch(e: FirehoseElement): Uint8Array[] {
    const r = this.attr(e, 'filename');
    if (r !== 'DISK') return [this.response('ACK', false)]; // file patches are the host's business
    const lun = Number(this.attr(e, 'physical_partition_number') ?? 0);
    const total = this.storage.sectors(lun);
    if (total === undefined)
      return [this.errorLog(`Invalid physical partition ${lun}`), this.response('NAK', false)];
    const size = this.storage.sectorSize;
    const context = {
      NUM_DISK_SECTORS: BigInt(total),
      crc32: (start: bigint, length: bigint): bigint => {
        const first = Number(start);
        const bytes = Number(length);
        return BigInt(
          crc32(this.storage.read(lun, first, Math.ceil(bytes / size)).subarray(0, bytes)),
        );
      },
    };
    try {
      const sector = Number(
        evaluateExpression(parseExpression(this.attr(e, 'start_sector') ?? ''), context),
      );
      const offset = Number(this.attr(e, 'byte_offset'));
      const width = Number(this.attr(e, 'size_in_bytes'));
      const value = evaluateExpression(parseExpression(this.attr(e, 'value') ?? ''), context);
      const first = sector + Math.floor(offset / size);
      const span = Math.ceil(((offset % size) + width) / size);
      if (first + span > total) throw new RangeError('patch beyond the disk');
      const bytes = this.storage.read(lun, first, span);
      for (let i = 0; i < width; i++)
        bytes[(offset % size) + i] = Number((value >> BigInt(8 * i)) & 0xffn);
      this.storage.write(lun, first, bytes);
      return [
        this.log(
          `Patched sector ${sector} with ${value
            .toString(16)
            .toUpperCase()
            .padStart(width * 2, '0')}`,
        ),
        this.response('ACK', false),
      ];
    } catch (err) {
      return [
        this.errorLog(`Failed to patch: ${(err as Error).message}`),
        this.response('NAK', false),
      ]; // reconstructed
    }
  }

  private power(e: FirehoseElement, calling: Uint8Array[]): Uint8Array[] {
    const value = this.attr(e, 'value') ?? 'reset';
    const delayMs = Number(this.attr(e, 'DelayInSeconds') ?? 0) * 1000;
    this.effect = value === 'off' ? { kind: 'power-off' } : { kind: 'reset', delayMs };
    const style = this.profile.firehose.logStyle;
    if (style === '9x07')
      return [
        this.log(`Inside handlePower() - Requested POWER_${value === 'off' ? 'OFF' : 'RESET'}`),
        this.doc([{ tag: 'response', attributes: [['value', 'ACK']] }]),
      ];
    if (style === 'sdx') {
      // Real: the ACK comes before the last two logs.
      return [
        ...calling,
        this.response('ACK', false),
        this.log(
          'Will issue reset/power off 100 useconds, if this hangs check if watchdog is enabled',
        ),
        this.log('bsp_target_reset() 1'),
      ];
    }
    return [
      ...calling,
      this.log(`Inside handlePower() - Requested POWER_${value === 'off' ? 'OFF' : 'RESET'}`),
      this.response('ACK', false),
      this.log(
        'Issuing bsp_target_reset() after 1 seconds, if this hangs, do you have WATCHDOG enabled?',
      ),
    ];
  }
}

/** The getstorageinfo JSON log line, in the format real programmers print (edl.md §2.4). */
export function storageInfoJson(profile: DeviceProfile, storage: Storage, lun: number): string {
  const g = profile.storage;
  const nand = g.kind === 'nand';
  const blockSize = nand ? storage.sectorSize * (g.pagesPerBlock ?? 1) : storage.sectorSize;
  const sectors = storage.sectors(lun) ?? 0;
  const info = {
    total_blocks: nand ? sectors / (g.pagesPerBlock ?? 1) : sectors,
    block_size: blockSize,
    page_size: storage.sectorSize,
    num_physical: g.lunSectors.length,
    manufacturer_id: 408,
    serial_num: profile.sahara.serial,
    fw_version: '300',
    mem_type: g.kind === 'nand' ? 'NAND' : g.kind.toUpperCase(),
    prod_name: `QFH-SIM-${profile.id.toUpperCase()}`,
  };
  return `{"storage_info": ${JSON.stringify(info)}}`;
}
