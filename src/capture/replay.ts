/**
 * A {@link Transport} that plays the device side of a script and checks the host side:
 * reads return the device's transfers once every host step before them is done; the first
 * host write that differs from the script fails with {@link ReplayMismatchError}, and so
 * does every call after it.
 *
 * @module
 */
import { QfhError, TransportTimeoutError } from '../errors.js';
import { FirehoseFramer } from '../firehose/framer.js';
import { buildDocument, parseDocument } from '../firehose/xml.js';
import type { ReadOptions, Transport } from '../transport/transport.js';
import type { ScriptStep } from './script.js';

/** Where a replay stands: the step (1-based; one per transfer for byte captures) and the byte in it. */
export interface ReplayPosition {
  readonly step: number;
  readonly dir: ScriptStep['dir'] | 'end';
  /** Bytes of this step already matched or served. */
  readonly offset: number;
  /** The last device step the host was given (it reacted to this one), if any. */
  readonly lastDeviceStep: number | undefined;
}

/** The host did something the script did not expect. */
export class ReplayMismatchError extends QfhError {
  static override readonly errorName: string = 'ReplayMismatchError';
  constructor(
    message: string,
    /** Where the host's bytes first differed. */
    readonly position?: ReplayPosition,
  ) {
    super('QFH_REPLAY_MISMATCH', message, {
      hint: 'The host no longer does what the recorded session did; compare the step named above with the capture.',
    });
  }
}

const hex = (b: Uint8Array, n = 24): string =>
  Buffer.from(b.subarray(0, n)).toString('hex') + (b.length > n ? '…' : '');

/** Replays `steps`. */
export class ReplayTransport implements Transport {
  private at = 0;
  /** Progress inside the current host step (bytes matched so far). */
  private partial = 0;
  private readonly framer = new FirehoseFramer({ maxDocumentBytes: 1 << 20 });
  private failed: ReplayMismatchError | undefined;
  private wake: (() => void) | undefined;
  private lastDeviceStep: number | undefined;

  /** A copy: a read smaller than a device transfer splits that step in place. */
  private readonly steps: ScriptStep[];

  constructor(
    steps: readonly ScriptStep[],
    readonly description = 'replay',
  ) {
    this.steps = [...steps];
  }

  /** Steps not yet played. */
  get remaining(): number {
    return this.steps.length - this.at;
  }

  /** Where the replay stands now. */
  get position(): ReplayPosition {
    return {
      step: this.at + 1,
      dir: this.steps[this.at]?.dir ?? 'end',
      offset: this.partial,
      lastDeviceStep: this.lastDeviceStep,
    };
  }

  private fail(message: string, offset = this.partial): never {
    const position = { ...this.position, offset };
    const after =
      position.lastDeviceStep === undefined
        ? ''
        : ` (the last device step the host read was ${position.lastDeviceStep})`;
    this.failed = new ReplayMismatchError(
      `${this.description}: step ${this.at + 1} of ${this.steps.length} (${position.dir}, byte ${offset})${after}: ${message}`,
      position,
    );
    throw this.failed;
  }

  /** Host ZLPs are the USB backend's business, not the protocol layers': a replay skips them. */
  private skipHostZlps(): void {
    for (;;) {
      const step = this.steps[this.at];
      if (
        !step ||
        !(
          (step.dir === 'out' && step.data.length === 0) ||
          (step.dir === 'out-prefix' && step.length === 0)
        )
      )
        return;
      this.at++;
    }
  }

  async read(maxBytes: number, options: ReadOptions): Promise<Uint8Array> {
    const deadline = Date.now() + options.timeoutMs;
    for (;;) {
      if (this.failed) throw this.failed;
      this.skipHostZlps();
      const step = this.steps[this.at];
      if (step?.dir === 'in') {
        this.lastDeviceStep = this.at + 1;
        if (step.data.length <= maxBytes || maxBytes <= 0) {
          this.at++;
          return step.data;
        }
        // A read smaller than the transfer: hand out the head, keep the rest as the step.
        this.steps[this.at] = { dir: 'in', data: step.data.subarray(maxBytes) };
        return step.data.subarray(0, maxBytes);
      }
      const left = deadline - Date.now();
      if (left <= 0)
        throw new TransportTimeoutError(
          `${this.description}: the script sends nothing at step ${this.at + 1} (${step ? `it waits for the host: ${step.dir}` : 'it has ended'})`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  async write(data: Uint8Array): Promise<void> {
    await Promise.resolve();
    if (this.failed) throw this.failed;
    if (data.length === 0) this.skipHostZlps();
    let offset = 0;
    while (offset < data.length) {
      const step = this.steps[this.at];
      if (!step)
        this.fail(
          `the host sent ${data.length - offset} more bytes (${hex(data.subarray(offset))}) after the script ended`,
        );
      if (step.dir === 'in')
        this.fail(`the host sent ${hex(data.subarray(offset))} while the device was due to send`);
      offset += this.consume(step, data.subarray(offset));
    }
    this.wake?.();
  }

  /** Matches bytes against one host step; returns how many it took. */
  private consume(step: Exclude<ScriptStep, { dir: 'in' }>, data: Uint8Array): number {
    if (step.dir === 'out-raw') {
      const take = Math.min(step.length - this.partial, data.length);
      this.advance(take, step.length);
      return take;
    }
    if (step.dir === 'out' || step.dir === 'out-prefix') {
      const length = step.dir === 'out' ? step.data.length : step.length;
      const expect = step.dir === 'out' ? step.data : step.prefix;
      const take = Math.min(length - this.partial, data.length);
      for (let i = 0; i < take; i++) {
        const k = this.partial + i;
        if (k < expect.length && expect[k] !== data[i])
          this.fail(
            `host byte ${k} is 0x${(data[i] ?? 0).toString(16)}, the capture has 0x${(expect[k] ?? 0).toString(16)} (host sent ${hex(data)}, expected ${hex(expect)})`,
            k,
          );
      }
      this.advance(take, length);
      return take;
    }
    // out-xml: documents may arrive in pieces; everything up to </data> belongs to this step.
    this.framer.push(data);
    const text = this.framer.nextDocument();
    if (text === undefined) return data.length;
    const rest = this.framer.takeRaw(this.framer.buffered) ?? new Uint8Array(0);
    const [element] = parseDocument(text);
    const expected = buildDocument([step.element]);
    const got = element ? buildDocument([element]) : text;
    if (got !== expected) this.fail(`the host sent ${got}, the session had ${expected}`);
    this.at++;
    this.partial = 0;
    return data.length - rest.length;
  }

  private advance(taken: number, length: number): void {
    this.partial += taken;
    if (this.partial === length) {
      this.at++;
      this.partial = 0;
    }
  }

  async close(): Promise<void> {
    await Promise.resolve();
  }
}
