/**
 * A modem's AT port over any {@link Transport}: one command at a time, information lines
 * collected until the final result code (`OK`, `ERROR`, `+CME ERROR: n`, `+CMS ERROR: n`),
 * unsolicited result codes (URCs) handed to a listener instead of mixed into responses,
 * and the command's echo ignored.
 *
 * @module
 */
import { AtError, TransportTimeoutError } from '../errors.js';
import type { Transport } from '../transport/transport.js';

/** Line prefixes a module sends unprompted (research/modem.md §3.3 and 3GPP 27.007). */
const URC_PREFIXES = [
  '+QIND:',
  'RDY',
  '+CPIN:',
  '+QUSIM:',
  '+CFUN:',
  '+CREG:',
  '+CEREG:',
  '+CGREG:',
  '+QSTAT:',
  '+QNETDEVSTATUS:',
  '+QNETDEVCTL:',
];

/** Options for {@link AtPort}. */
export interface AtPortOptions {
  /** Called with every URC line. */
  onUrc?: (line: string) => void;
}

/** The AT port of one modem. */
export class AtPort {
  private pending = '';

  constructor(
    readonly transport: Transport,
    private readonly options: AtPortOptions = {},
  ) {}

  /** Reads more text from the port into the line buffer. */
  private async fill(deadline: number, what: string): Promise<void> {
    const left = deadline - Date.now();
    if (left <= 0) throw new AtError('QFH_AT_TIMEOUT', `no ${what} within the time allowed`);
    try {
      this.pending += new TextDecoder().decode(
        await this.transport.read(4096, { timeoutMs: left }),
      );
    } catch (e) {
      if (e instanceof TransportTimeoutError)
        throw new AtError('QFH_AT_TIMEOUT', `no ${what} within the time allowed`, { cause: e });
      throw e;
    }
  }

  /** Sends raw bytes (the data phase of AT+QFUPL). */
  async writeRaw(data: Uint8Array, timeoutMs = 5000): Promise<void> {
    await this.transport.write(data, { timeoutMs });
  }

  /** The next non-empty line, reading more from the port as needed. */
  private async nextLine(deadline: number, what: string): Promise<string> {
    for (;;) {
      const at = this.pending.search(/\r\n|\n|\r/);
      if (at >= 0) {
        const line = this.pending.slice(0, at).trim();
        this.pending = this.pending.slice(at + (this.pending.startsWith('\r\n', at) ? 2 : 1));
        if (line !== '') return line;
      } else await this.fill(deadline, what);
    }
  }

  /** Sends `command` if given, then reads lines until one matches `pattern` (URCs included); ERROR lines throw. */
  async waitFor(pattern: RegExp, timeoutMs: number, command?: string): Promise<RegExpExecArray> {
    if (command !== undefined)
      await this.transport.write(new TextEncoder().encode(`${command}\r`), { timeoutMs });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = await this.nextLine(
        deadline,
        `line matching ${pattern.source}${command ? ` after ${command}` : ''}`,
      );
      if (command !== undefined && line.toUpperCase() === command.toUpperCase()) continue;
      const m = pattern.exec(line);
      if (m) return m;
      if (/^(ERROR|\+CME ERROR|\+CMS ERROR)/.test(line))
        throw new AtError('QFH_AT_ERROR', `${command ?? 'the modem'} failed: ${line}`);
      if (URC_PREFIXES.some((p) => line.startsWith(p))) this.options.onUrc?.(line);
    }
  }

  /** Reads `count` single-character acknowledgements `ack` (AT+QFUPL's ack mode sends "A" per 1024 bytes). */
  async readAcks(count: number, ack: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let got = 0;
    for (;;) {
      this.pending = this.pending.replace(/^[\r\n]+/, '');
      while (got < count && this.pending.startsWith(ack)) {
        this.pending = this.pending.slice(ack.length);
        got++;
      }
      if (got === count) return;
      await this.fill(deadline, `acknowledgement ${got + 1} of ${count}`);
    }
  }

  /**
   * Sends `command` (without the trailing CR) and returns its information lines.
   * @throws AtError on ERROR / +CME ERROR / +CMS ERROR, or when no final result code comes in time.
   */
  async command(command: string, timeoutMs = 5000): Promise<string[]> {
    await this.transport.write(new TextEncoder().encode(`${command}\r`), { timeoutMs });
    const name = /^AT([+$#%][A-Z0-9]+)/i.exec(command)?.[1]?.toUpperCase();
    const lines: string[] = [];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = await this.nextLine(
        deadline,
        `final result code for ${command} within ${timeoutMs} ms`,
      );
      if (line.toUpperCase() === command.toUpperCase()) continue;
      if (line === 'OK') return lines;
      if (/^(ERROR|\+CME ERROR: ?(.*)|\+CMS ERROR: ?(.*))$/.test(line))
        throw new AtError('QFH_AT_ERROR', `${command} failed: ${line}`);
      const urc = URC_PREFIXES.find((p) => line.startsWith(p));
      if (urc && !(name && urc.toUpperCase().startsWith(`${name}:`))) this.options.onUrc?.(line);
      else lines.push(line);
    }
  }
}
