/**
 * The simulated modem in normal mode: its AT port (ATI, AT+CGMR, AT+QGMR, AT+CSUB in the
 * formats of research/modem.md §3.1) and its DIAG port, where the 7-byte subsystem-dispatch
 * frame `4b 65 01 00 54 0f 7e` is echoed and the modem reboots into EDL (§2.1).
 *
 * @module
 */
import type { FaultPlan } from './faults.js';
import type { DeviceProfile } from './profiles.js';

/** The DIAG frame that switches a Quectel module to EDL (QFirehose, fwupd, qfenix). */
export const DIAG_EDL_FRAME = Uint8Array.from([0x4b, 0x65, 0x01, 0x00, 0x54, 0x0f, 0x7e]);

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/**
 * The 16-bit checksum AT+QFUPL reports: XOR of big-endian byte pairs (research/modem.md §3.3).
 * Kept apart from the host's `qfuplChecksum` on purpose: the module side must not share a bug
 * with the code it tests.
 */
function qfuplChecksum(data: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < data.length; i += 2) sum ^= ((data[i] ?? 0) << 8) | (data[i + 1] ?? 0);
  return sum;
}

/** What the delta-update simulation needs from the modem. */
export interface AtModemActions {
  switchToEdl(): void;
  /** Sends URCs later (the FOTA progress), on whatever link is open then. */
  later(transfers: Uint8Array[], delayMs: number): void;
  /** The update applied: the modem now reports its new revision. */
  updated(): void;
  /** The revision to report now, when it differs from the profile's. */
  revision?(): { revision: string; fullRevision: string } | undefined;
  /** The faults of the modem that apply in normal mode. */
  readonly faults: Pick<FaultPlan, 'fotaCorruptUpload' | 'fotaErrorCode' | 'diagEchoLost'>;
}

/** AT and DIAG handling of one normal-mode boot. */
export class AtModem {
  private line = '';
  private diag: number[] = [];
  /** An AT+QFUPL upload in progress. */
  private upload:
    { name: string; size: number; ack: boolean; received: number[]; acked: number } | undefined;
  constructor(
    private readonly profile: DeviceProfile,
    private readonly actions: AtModemActions,
    /** Files in the module's UFS area, by name; they outlive a boot. */
    private readonly files: Map<string, Uint8Array>,
  ) {}

  /** Consumes host bytes; returns what the modem sends back. */
  receive(bytes: Uint8Array): Uint8Array[] {
    if (this.upload) return this.uploadBytes(bytes);
    if (bytes[0] === 0x4b || this.diag.length > 0) return this.diagBytes(bytes);
    const out: Uint8Array[] = [];
    for (const ch of new TextDecoder().decode(bytes)) {
      if (ch === '\r' || ch === '\n') {
        // V.250 §5.2.1: a command line starts at "AT"; whatever came before it is ignored.
        const at = this.line.toUpperCase().indexOf('AT');
        const command = at < 0 ? '' : this.line.slice(at).trim();
        this.line = '';
        if (command) out.push(enc(this.answer(command)));
      } else this.line += ch;
    }
    return out;
  }

  private uploadBytes(bytes: Uint8Array): Uint8Array[] {
    const up = this.upload;
    if (!up) return [];
    const out: Uint8Array[] = [];
    for (const b of bytes) {
      if (up.received.length < up.size) up.received.push(b);
      if (up.ack && up.received.length - up.acked >= 1024) {
        up.acked += 1024;
        out.push(enc('A'));
      }
    }
    if (up.received.length >= up.size) {
      const data = Uint8Array.from(up.received);
      if (this.actions.faults.fotaCorruptUpload && data.length > 0)
        data[data.length >> 1] = (data[data.length >> 1] ?? 0) ^ 0xff;
      this.files.set(up.name, data);
      this.upload = undefined;
      out.push(enc(`\r\n+QFUPL: ${data.length},${qfuplChecksum(data).toString(16)}\r\n\r\nOK\r\n`));
    }
    return out;
  }

  private fota(path: string): string {
    const name = path.replace(/^\/(?:usr)?data\/(?:cache\/)?ufs\/|^\/cache\/ufs\//, '');
    if (!this.files.has(name)) return '\r\n+CME ERROR: 4\r\n';
    const code = this.actions.faults.fotaErrorCode ?? 0;
    const urc = (t: string): Uint8Array => enc(`\r\n+QIND: "FOTA",${t}\r\n`);
    const steps = [
      urc('"START"'),
      ...[10, 40, 70, 100].map((n) => urc(`"UPDATING",${n}`)),
      urc(`"END",${code}`),
    ];
    // A real module takes minutes (it reboots into its recovery image); the simulator keeps
    // the order and spaces the URCs 150 ms apart, long enough that a host's timeout is a race
    // it cannot win by accident.
    steps.forEach((step, i) => this.actions.later([step], 150 * (i + 1)));
    if (code === 0) this.actions.updated();
    return '\r\nOK\r\n';
  }

  private diagBytes(bytes: Uint8Array): Uint8Array[] {
    this.diag.push(...bytes);
    const end = this.diag.indexOf(0x7e);
    if (end < 0) return [];
    const frame = Uint8Array.from(this.diag.slice(0, end + 1));
    this.diag = this.diag.slice(end + 1);
    if (frame.length === DIAG_EDL_FRAME.length && frame.every((b, i) => b === DIAG_EDL_FRAME[i])) {
      setTimeout(() => this.actions.switchToEdl(), 10);
      return this.actions.faults.diagEchoLost ? [] : [frame];
    }
    // DIAG "bad command" response: command code 0x13 followed by the request (HDLC framing omitted).
    return [Uint8Array.from([0x13, ...frame])];
  }

  private answer(command: string): string {
    const c = command.toUpperCase();
    const model = this.profile.module.replace(/^Quectel /, '').split(' ')[0] ?? '';
    const ok = (body: string): string => `\r\n${body}${body ? '\r\n\r\nOK\r\n' : 'OK\r\n'}`;
    if (c === 'AT' || c === 'ATE0' || c === 'ATE1') return ok('');
    const now = this.actions.revision?.() ?? this.profile.normal;
    if (c === 'ATI') return ok(`Quectel\r\n${model}\r\nRevision: ${now.revision}`);
    if (c === 'AT+CGMR') return ok(now.revision);
    if (c === 'AT+QGMR') return ok(now.fullRevision);
    if (c === 'AT+CSUB') return ok('SubEdition: V01');
    if (c === 'AT+CGSN' || c === 'AT+GSN') return ok('867698040000000');
    const qfupl = /^AT\+QFUPL="([^"]+)",(\d+)(?:,(\d+))?(?:,(\d))?$/i.exec(command);
    if (qfupl) {
      this.upload = {
        name: qfupl[1] ?? '',
        size: Number(qfupl[2]),
        ack: qfupl[4] === '1',
        received: [],
        acked: 0,
      };
      return '\r\nCONNECT\r\n';
    }
    const qfdel = /^AT\+QFDEL="([^"]+)"$/i.exec(command);
    if (qfdel)
      return this.files.delete(qfdel[1] ?? '') || qfdel[1] === '*'
        ? ok('')
        : '\r\n+CME ERROR: 405\r\n';
    const qfotadl = /^AT\+QFOTADL="([^"]+)"$/i.exec(command);
    if (qfotadl) return this.fota(qfotadl[1] ?? '');
    // Network state a freshly booted module reports (3GPP 27.007 formats; values illustrative).
    if (c === 'AT+CREG?') return ok('+CREG: 0,1');
    if (c === 'AT+CEREG?') return ok('+CEREG: 0,1');
    if (c === 'AT+CSQ') return ok('+CSQ: 23,99');
    if (c === 'AT+QCFG="BAND"') return ok('+QCFG: "band",0x260,0x42000000000000381a,0x0');
    return '\r\nERROR\r\n';
  }
}
