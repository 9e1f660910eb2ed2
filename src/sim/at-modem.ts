/**
 * The simulated modem in normal mode: its AT port (ATI, AT+CGMR, AT+QGMR, AT+CSUB in the
 * formats of research/modem.md §3.1) and its DIAG port, where the 7-byte subsystem-dispatch
 * frame `4b 65 01 00 54 0f 7e` is echoed and the modem reboots into EDL (§2.1).
 *
 * @module
 */
import type { DeviceProfile } from './profiles.js';

/** The DIAG frame that switches a Quectel module to EDL (QFirehose, fwupd, qfenix). */
export const DIAG_EDL_FRAME = Uint8Array.from([0x4b, 0x65, 0x01, 0x00, 0x54, 0x0f, 0x7e]);

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** AT and DIAG handling of one normal-mode boot. */
export class AtModem {
  private line = '';
  private diag: number[] = [];

  constructor(
    private readonly profile: DeviceProfile,
    private readonly actions: { switchToEdl(): void },
  ) {}

  /** Consumes host bytes; returns what the modem sends back. */
  receive(bytes: Uint8Array): Uint8Array[] {
    if (bytes[0] === 0x4b || this.diag.length > 0) return this.diagBytes(bytes);
    const out: Uint8Array[] = [];
    for (const ch of new TextDecoder().decode(bytes)) {
      if (ch === '\r' || ch === '\n') {
        const command = this.line.trim();
        this.line = '';
        if (command) out.push(enc(this.answer(command)));
      } else this.line += ch;
    }
    return out;
  }

  private diagBytes(bytes: Uint8Array): Uint8Array[] {
    this.diag.push(...bytes);
    const end = this.diag.indexOf(0x7e);
    if (end < 0) return [];
    const frame = Uint8Array.from(this.diag.slice(0, end + 1));
    this.diag = this.diag.slice(end + 1);
    if (frame.length === DIAG_EDL_FRAME.length && frame.every((b, i) => b === DIAG_EDL_FRAME[i])) {
      setTimeout(() => this.actions.switchToEdl(), 10);
      return [frame];
    }
    // DIAG "bad command" response: command code 0x13 followed by the request (HDLC framing omitted).
    return [Uint8Array.from([0x13, ...frame])];
  }

  private answer(command: string): string {
    const c = command.toUpperCase();
    const model = this.profile.module.replace(/^Quectel /, '').split(' ')[0] ?? '';
    const ok = (body: string): string => `\r\n${body}${body ? '\r\n\r\nOK\r\n' : 'OK\r\n'}`;
    if (c === 'AT' || c === 'ATE0' || c === 'ATE1') return ok('');
    if (c === 'ATI') return ok(`Quectel\r\n${model}\r\nRevision: ${this.profile.normal.revision}`);
    if (c === 'AT+CGMR') return ok(this.profile.normal.revision);
    if (c === 'AT+QGMR') return ok(this.profile.normal.fullRevision);
    if (c === 'AT+CSUB') return ok('SubEdition: V01');
    if (c === 'AT+CGSN' || c === 'AT+GSN') return ok('867698040000000');
    // Network state a freshly booted module reports (3GPP 27.007 formats; values illustrative).
    if (c === 'AT+CREG?') return ok('+CREG: 0,1');
    if (c === 'AT+CEREG?') return ok('+CEREG: 0,1');
    if (c === 'AT+CSQ') return ok('+CSQ: 23,99');
    if (c === 'AT+QCFG="BAND"') return ok('+QCFG: "band",0x260,0x42000000000000381a,0x0');
    return '\r\nERROR\r\n';
  }
}
