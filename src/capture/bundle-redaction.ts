/**
 * What a debug bundle leaves out unless the user asks for the raw one: the chip serial (it
 * identifies one modem for life, and a bundle is meant for public bug reports), digit runs
 * shaped like an IMEI, IMSI or ICCID, and the relay's one-time token. The serial is learnt from the session itself (the
 * answer to Sahara's serial-number read); digit runs are matched by shape. Redaction keeps
 * every transfer's length, so `qfh inspect` still lines the session up.
 *
 * @module
 */
import { SaharaCommand, SaharaExecCommand } from '../sahara/constants.js';
import { peekSaharaHeader } from '../sahara/packets.js';

/** An IMEI or IMSI (15 digits) or an ICCID (19–20 digits, sometimes padded with F). */
const IDENTITY_DIGITS = /(?<![0-9])[0-9]{15,20}F?(?![0-9])/gi;

/** The relay's one-time token, in `--relay TOKEN@HOST` (the command line, the advice). */
const RELAY_TOKEN = /(?<![0-9A-Za-z_-])[0-9a-f]{20}(?=@)/g;

/**
 * A programmer's log of the serial: `Chip serial num: 990449533 (0x3b090f7d)`, and the
 * `"serial_num":990449533` of its getstorageinfo JSON.
 */
const SERIAL_LOG =
  /serial[\s_]*(?:num(?:ber)?)?(?:&quot;|")?\s*[:=]\s*(?:0x([0-9a-f]+)|(\d+)(?:\s*\(0x([0-9a-f]+)\))?)/gi;

/**
 * Serials too small to mask without masking ordinary numbers (a 0 would turn every `0` in the
 * bundle into `x`); real chip serials are random 32-bit values.
 */
const SMALLEST_SERIAL = 0x10000;

/**
 * Watches a session for the chip serial: the answer to Sahara's serial-number read, the
 * programmer's log of it, and the `SN:` a USB device's name carries. Feed it each transfer's
 * bytes in order, and the device's name.
 */
export class SerialWatch {
  private next = false;
  /** Serials seen (a re-enumerated modem may be read twice). */
  readonly serials = new Set<number>();

  private add(serial: number): void {
    if (Number.isSafeInteger(serial) && serial >= SMALLEST_SERIAL && serial <= 0xffffffff)
      this.serials.add(serial);
  }

  /**
   * One transfer's bytes. Only a whole protocol document (`document`: an XML one) is read as
   * text: raw image data, megabytes per transfer in a flash, is never scanned or copied.
   */
  observe(dir: 'in' | 'out', data: Uint8Array, document: boolean): void {
    const header = peekSaharaHeader(data);
    if (dir === 'out' && header?.command === SaharaCommand.EXECUTE_DATA && data.length >= 12) {
      const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
      this.next = view.getUint32(8, true) === SaharaExecCommand.SERIAL_NUM_READ;
      return;
    }
    if (dir === 'in' && document)
      this.text(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1'));
    if (dir !== 'in' || !this.next || data.length < 4) return;
    this.next = false;
    this.add(new DataView(data.buffer, data.byteOffset, 4).getUint32(0, true));
  }

  /** Serials named in text: a programmer's log line, a device name (`… SN:3B090F7D`). */
  text(text: string): void {
    for (const m of text.matchAll(SERIAL_LOG)) {
      if (m[1] !== undefined) this.add(parseInt(m[1], 16));
      if (m[2] !== undefined) this.add(Number(m[2]));
      if (m[3] !== undefined) this.add(parseInt(m[3], 16));
    }
    for (const m of text.matchAll(/\bSN:([0-9a-f]{6,8})\b/gi)) this.add(parseInt(m[1] ?? '', 16));
  }
}

/** The ways a serial is written in text: 0x-hex, 8-digit hex, decimal (when long enough). */
function serialPatterns(serial: number): RegExp[] {
  const hex = serial.toString(16);
  const dec = serial.toString(10);
  return [
    new RegExp(`(?<![0-9a-z])(0x)?0*${hex}(?![0-9a-z])`, 'gi'),
    ...(dec.length >= 6 ? [new RegExp(`(?<![0-9])${dec}(?![0-9])`, 'g')] : []),
  ];
}

/** Redacts text, keeping its length: each character of a secret becomes `x`. */
export function redactText(text: string, serials: ReadonlySet<number>): string {
  const mask = (m: string): string => 'x'.repeat(m.length);
  let out = text.replace(IDENTITY_DIGITS, mask).replace(RELAY_TOKEN, mask);
  for (const s of serials) for (const p of serialPatterns(s)) out = out.replace(p, mask);
  return out;
}

/** Redacts one transfer's kept bytes: as text where it is text, the serial's own bytes too. */
export function redactBytes(bytes: Uint8Array, serials: ReadonlySet<number>): Uint8Array {
  // latin1 keeps one character per byte, so the length and every other byte stay as they were.
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const out = new Uint8Array(Buffer.from(redactText(text, serials), 'latin1'));
  for (const s of serials) {
    const le = [s & 0xff, (s >>> 8) & 0xff, (s >>> 16) & 0xff, s >>> 24];
    for (let i = 0; i + 4 <= out.length; i++)
      if (le.every((b, k) => out[i + k] === b)) out.fill(0, i, i + 4);
  }
  return out;
}

/** Redacts every string inside a JSON-shaped value (the plan, host checks, the error). */
export function redactValue(value: unknown, serials: ReadonlySet<number>): unknown {
  if (typeof value === 'string') return redactText(value, serials);
  if (typeof value === 'number' && serials.has(value)) return 0;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, serials));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v, serials)]));
  return value;
}
