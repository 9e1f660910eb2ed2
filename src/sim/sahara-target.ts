/**
 * The simulated PBL's Sahara side (research/edl.md §0 and §8, captures.md §1.2–1.3).
 * Bytes from the host go in; device transfers come out. It sends HELLO, serves command
 * mode (serial, HW ID, PK hash), and fetches the programmer the way real PBLs do: ELF
 * header, program headers, hash segment, then each loadable segment in 4 KiB READ_DATA
 * requests with an odd-length tail, checks it, and reports END_IMAGE_TX. Only the pure
 * packet codec and ELF reader are shared with the host side.
 *
 * @module
 */
import { SaharaPacketError } from '../errors.js';
import { FIREHOSE_PROGRAMMER_IMAGE_ID, SaharaMode, SaharaStatus } from '../sahara/constants.js';
import {
  decodeSaharaPacket,
  encodeSaharaPacket,
  peekSaharaHeader,
  type SaharaPacket,
} from '../sahara/packets.js';
import { qcomSegmentType, QCOM_SEGMENT_TYPE, type ElfImage } from '../elf.js';
import {
  checkProgrammerHeaders,
  hashSegmentIndex,
  MAX_PROGRAM_HEADERS,
  verifyProgrammer,
} from './programmer-image.js';
import type { DeviceProfile } from './profiles.js';
import { commandModeData } from './sahara-command-mode.js';

const CHUNK = 0x1000;
const ELF32_HEADER = 0x34;
const Z6 = [0, 0, 0, 0, 0, 0] as const;
const status = (name: string): number => SaharaStatus[name] ?? 1;

type Phase = 'hello' | 'command' | 'read-data' | 'wait-done' | 'failed' | 'firehose';

/** What the PBL did, for tests and fault injection. */
export interface SaharaTrace {
  readonly reads: { offset: number; length: number }[];
  result: { status: number; reason: string } | undefined;
}

/** The PBL state machine of one boot. */
export class SaharaTarget {
  private phase: Phase = 'hello';
  private pending: Uint8Array = new Uint8Array(0);
  private readonly image = new Map<number, Uint8Array>();
  private plan: { offset: number; length: number }[] = [];
  private current: { offset: number; length: number } | undefined;
  private elf: ElfImage | undefined;
  private stage: 'header' | 'phdrs' | 'segments' = 'header';
  private headersEnd = 0;
  readonly trace: SaharaTrace = { reads: [], result: undefined };

  constructor(
    private readonly profile: DeviceProfile,
    private readonly options: { forceStatus?: number } = {},
  ) {}

  /** The PBL's posted read: exactly the rest of the READ_DATA answer it waits for, if any. */
  get readLength(): number | undefined {
    if (this.phase !== 'read-data' || !this.current) return undefined;
    return this.current.length - this.pending.length;
  }

  /** True once DONE was answered: the programmer runs from now on. */
  get programmerRunning(): boolean {
    return this.phase === 'firehose';
  }

  /** The HELLO a PBL sends when it starts (or after SWITCH_MODE with `mode`). */
  hello(mode: number = SaharaMode.IMAGE_TX_PENDING): Uint8Array {
    const s = this.profile.sahara;
    return encodeSaharaPacket({
      type: 'hello',
      version: s.version,
      versionSupported: s.versionSupported,
      maxCommandLength: s.maxCommandLength,
      mode,
      reserved: Z6,
    });
  }

  /** Consumes host bytes; returns the device transfers they cause, in order. */
  receive(bytes: Uint8Array): Uint8Array[] {
    const joined = new Uint8Array(this.pending.length + bytes.length);
    joined.set(this.pending);
    joined.set(bytes, this.pending.length);
    this.pending = joined;
    const out: Uint8Array[] = [];
    for (;;) {
      if (this.phase === 'read-data' && this.current) {
        if (this.pending.length < this.current.length) break;
        this.image.set(this.current.offset, this.pending.slice(0, this.current.length));
        this.pending = this.pending.subarray(this.current.length);
        this.current = undefined;
        out.push(...this.advance());
        continue;
      }
      const header = peekSaharaHeader(this.pending);
      if (!header) break;
      if (header.length < 8 || header.length > this.profile.sahara.maxCommandLength) {
        // Garbage: a real PBL answers with END_IMAGE_TX "invalid command" (edl.md §8).
        this.pending = new Uint8Array(0);
        out.push(this.endImage(status('NAK_INVALID_CMD'), 'undecodable bytes'));
        break;
      }
      if (this.pending.length < header.length) break;
      const raw = this.pending.subarray(0, header.length);
      this.pending = this.pending.subarray(header.length);
      let packet: SaharaPacket;
      try {
        packet = decodeSaharaPacket(raw);
      } catch (e) {
        if (!(e instanceof SaharaPacketError)) throw e;
        out.push(this.endImage(status('NAK_INVALID_PACKET_SIZE'), e.message));
        continue;
      }
      out.push(...this.handle(packet));
    }
    return out;
  }

  private handle(p: SaharaPacket): Uint8Array[] {
    switch (p.type) {
      case 'helloResponse':
        if (this.phase !== 'hello')
          return [this.endImage(status('NAK_INVALID_CMD'), 'HELLO_RESP out of turn')];
        if (p.mode === SaharaMode.COMMAND) {
          this.phase = 'command';
          return [encodeSaharaPacket({ type: 'commandReady' })];
        }
        if (p.mode === SaharaMode.IMAGE_TX_PENDING) {
          this.phase = 'read-data';
          this.stage = 'header';
          return [this.request({ offset: 0, length: this.headerLength() })];
        }
        return [this.endImage(status('NAK_INVALID_HOST_MODE'), `host mode ${p.mode}`)];
      case 'switchMode':
        this.phase = 'hello';
        return [this.hello(p.mode)];
      case 'execute':
        return this.phase === 'command'
          ? [this.executeResponse(p.clientCommand)]
          : [this.endImage(status('NAK_INVALID_CMD'), 'EXECUTE outside command mode')];
      case 'executeData': {
        const data =
          this.phase === 'command' ? commandModeData(this.profile, p.clientCommand) : undefined;
        const unknown = status('NAK_EXEC_DATA_INVALID_CLIENT_CMD');
        return [data ?? this.endImage(unknown, 'EXECUTE_DATA for an unknown command')];
      }
      case 'done':
        if (this.phase !== 'wait-done')
          return [this.endImage(status('NAK_INVALID_CMD'), 'DONE before the image')];
        this.phase = 'firehose';
        return [encodeSaharaPacket({ type: 'doneResponse', imageTxStatus: 1 })];
      case 'reset':
        return [encodeSaharaPacket({ type: 'resetResponse' })];
      case 'resetStateMachine':
        this.restart();
        return [this.hello()];
      default:
        return [this.endImage(status('NAK_INVALID_CMD'), `${p.type} is not a host command`)];
    }
  }

  /** Back to the freshly booted state (RESET_STATE_MACHINE, or a new boot). */
  restart(): void {
    this.phase = 'hello';
    this.pending = new Uint8Array(0);
    this.image.clear();
    this.plan = [];
    this.current = undefined;
    this.elf = undefined;
  }

  private executeResponse(command: number): Uint8Array {
    const data = commandModeData(this.profile, command);
    if (!data)
      return this.endImage(
        status('NAK_EXEC_CMD_UNSUPPORTED'),
        `client command ${command} unsupported`,
      );
    return encodeSaharaPacket({
      type: 'executeResponse',
      clientCommand: command,
      dataLength: data.length,
    });
  }

  private request(range: { offset: number; length: number }): Uint8Array {
    this.current = range;
    this.trace.reads.push(range);
    const id = FIREHOSE_PROGRAMMER_IMAGE_ID;
    return encodeSaharaPacket(
      this.profile.sahara.readData64
        ? {
            type: 'readData64',
            imageId: BigInt(id),
            offset: BigInt(range.offset),
            length: BigInt(range.length),
          }
        : { type: 'readData', imageId: id, offset: range.offset, length: range.length },
    );
  }

  /** Decides the next READ_DATA after a piece arrived, or ends the transfer. */
  private advance(): Uint8Array[] {
    if (this.stage === 'header') {
      const head = this.bytesAt(0, this.headerLength());
      if (!(head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46))
        return [this.endImage(status('NAK_INVALID_ELF_HDR'), 'not an ELF image')];
      const is64 = head[4] === 2;
      if (is64 !== this.profile.sahara.readData64 && (is64 || head[4] !== 1))
        return [
          this.endImage(
            status('NAK_INVALID_ELF_HDR'),
            `ELF class ${head[4]} on a ${this.profile.sahara.readData64 ? 64 : 32}-bit PBL`,
          ),
        ];
      const v = new DataView(head.buffer, head.byteOffset, head.byteLength);
      const phoff = is64 ? Number(v.getBigUint64(32, true)) : v.getUint32(28, true);
      const phentsize = v.getUint16(is64 ? 54 : 42, true);
      const phnum = v.getUint16(is64 ? 56 : 44, true);
      if (phnum === 0 || phnum > MAX_PROGRAM_HEADERS)
        return [this.endImage(status('NAK_UNSUPPORTED_NUM_PHDRS'), `${phnum} program headers`)];
      if (phentsize < (is64 ? 56 : 32))
        return [this.endImage(status('NAK_INVALID_PDHR_SIZE'), `program header size ${phentsize}`)];
      this.stage = 'phdrs';
      this.headersEnd = phoff + phnum * phentsize;
      return [this.request({ offset: phoff, length: phnum * phentsize })];
    }
    if (this.stage === 'phdrs') {
      const checked = checkProgrammerHeaders(
        this.bytesAt(0, this.headersEnd),
        this.profile.sahara.readData64,
      );
      if ('ok' in checked) return [this.endImage(checked.status, checked.reason)];
      this.elf = checked.elf;
      const hashIndex = hashSegmentIndex(this.elf);
      const hash = this.elf.programHeaders[hashIndex];
      if (!hash) return [this.endImage(status('NAK_HASH_TABLE_NOT_FOUND'), 'no hash segment')];
      const loads = this.elf.programHeaders.filter(
        (p, i) =>
          i !== hashIndex && p.fileSize > 0 && qcomSegmentType(p.flags) !== QCOM_SEGMENT_TYPE.PHDR,
      );
      if (this.profile.sahara.outOfOrderReads && loads.length > 1)
        loads.unshift(loads.pop() as (typeof loads)[number]);
      this.plan = [hash, ...loads].flatMap((p) => chunks(p.offset, p.fileSize));
      this.stage = 'segments';
    }
    const next = this.plan.shift();
    if (next) return [this.request(next)];
    const elf = this.elf;
    if (!elf) return [this.endImage(status('NAK_INVALID_ELF_HDR'), 'no headers')];
    const verdict = verifyProgrammer(elf, (o, l) => this.bytesAt(o, l));
    if (!verdict.ok) return [this.endImage(verdict.status, verdict.reason)];
    if (this.options.forceStatus !== undefined)
      return [this.endImage(this.options.forceStatus, 'rejected by fault injection')];
    this.phase = 'wait-done';
    this.trace.result = { status: 0, reason: 'ok' };
    return [
      encodeSaharaPacket({ type: 'endImageTx', imageId: FIREHOSE_PROGRAMMER_IMAGE_ID, status: 0 }),
    ];
  }

  /** ELF header bytes the PBL asks for first: 0x34 (ELF32), 0x40 on a 64-bit PBL. */
  private headerLength(): number {
    return this.profile.sahara.readData64 ? 0x40 : ELF32_HEADER;
  }

  private bytesAt(offset: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (const [o, b] of this.image) {
      const from = Math.max(o, offset);
      const to = Math.min(o + b.length, offset + length);
      if (from < to) out.set(b.subarray(from - o, to - o), from - offset);
    }
    return out;
  }

  private endImage(code: number, reason: string): Uint8Array {
    this.phase = this.phase === 'command' || this.phase === 'hello' ? this.phase : 'failed';
    this.current = undefined;
    this.trace.result = { status: code, reason };
    return encodeSaharaPacket({
      type: 'endImageTx',
      imageId: FIREHOSE_PROGRAMMER_IMAGE_ID,
      status: code,
    });
  }
}

/** A segment as the PBL requests it: 4 KiB reads, then one odd-length tail. */
function chunks(offset: number, size: number): { offset: number; length: number }[] {
  const out: { offset: number; length: number }[] = [];
  for (let at = 0; at < size; at += CHUNK)
    out.push({ offset: offset + at, length: Math.min(CHUNK, size - at) });
  return out;
}
