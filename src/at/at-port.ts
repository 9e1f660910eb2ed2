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
const URC_PREFIXES = ['+QIND:', 'RDY', '+CPIN:', '+QUSIM:', '+CFUN:', '+CREG:', '+CEREG:', '+CGREG:', '+QSTAT:', '+QNETDEVSTATUS:', '+QNETDEVCTL:'];

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
      let at: number;
      while ((at = this.pending.search(/\r\n|\n|\r/)) >= 0) {
        const line = this.pending.slice(0, at).trim();
        this.pending = this.pending.slice(at + (this.pending.startsWith('\r\n', at) ? 2 : 1));
        if (line === '' || line.toUpperCase() === command.toUpperCase()) continue;
        if (line === 'OK') return lines;
        const failure = /^(ERROR|\+CME ERROR: ?(.*)|\+CMS ERROR: ?(.*))$/.exec(line);
        if (failure) throw new AtError('QFH_AT_ERROR', `${command} failed: ${line}`);
        const urc = URC_PREFIXES.find((p) => line.startsWith(p));
        if (urc && !(name && urc.toUpperCase().startsWith(`${name}:`))) this.options.onUrc?.(line);
        else lines.push(line);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new AtError('QFH_AT_TIMEOUT', `no final result code for ${command} within ${timeoutMs} ms`);
      try {
        this.pending += new TextDecoder().decode(await this.transport.read(4096, { timeoutMs: left }));
      } catch (e) {
        if (e instanceof TransportTimeoutError) throw new AtError('QFH_AT_TIMEOUT', `no final result code for ${command} within ${timeoutMs} ms`, { cause: e });
        throw e;
      }
    }
  }
}
