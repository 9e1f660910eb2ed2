/**
 * A debug bundle: one JSON file a user attaches to a bug report. It holds the session's USB
 * transfers (protocol messages whole, raw data cut to its first bytes, so images and backups do
 * not leak and the file stays small), qfh's own output lines, the plan, versions (qfh, Node, OS)
 * and host facts (what `qfh doctor` knows, given by the caller). `qfh inspect BUNDLE` prints it
 * as a timeline.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { arch, release, type } from 'node:os';
import { QfhError } from '../errors.js';
import { writePrivateFile, type PrivateFileOptions } from '../private-file.js';
import { redactBytes, redactValue, SerialWatch } from './bundle-redaction.js';
import { peekSaharaHeader, SAHARA_COMMANDS } from '../sahara/index.js';
import type { TransferEvent } from './tapped-transport.js';

/** One transfer as a bundle keeps it. */
export interface BundleTransfer {
  /** Milliseconds since the recorder started. */
  readonly t: number;
  readonly dir: 'in' | 'out';
  /** Bytes on the wire. */
  readonly len: number;
  /** Base64 of the kept bytes. */
  readonly data: string;
  /** Non-zero when the transfer ended early (usbmon errno: -2 a read that timed out). */
  readonly status?: number;
  /**
   * This entry stands for that many raw-data transfers in a row (the middle of a long data
   * phase, whose bytes a bundle does not keep anyway): `len` is their sum, `t` the last one's.
   */
  readonly merged?: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Raw transfers of a run kept one by one at its start; the rest are merged but the last. */
const RUN_HEAD = 4;

/** The file. */
export interface DebugBundle {
  readonly format: 'qfh-debug-bundle';
  readonly version: 1;
  readonly created: string;
  readonly command: readonly string[];
  readonly versions: { readonly qfh: string; readonly node: string; readonly os: string };
  readonly host: unknown;
  readonly plan: unknown;
  readonly error: { code: string; message: string; hint: string } | undefined;
  readonly device: string | undefined;
  readonly log: readonly { readonly t: number; readonly line: string }[];
  readonly transfers: readonly BundleTransfer[];
  /**
   * Whether the chip serial and IMEI/IMSI/ICCID-shaped digits were masked (`x` for each
   * character, zero bytes for the serial's binary form). Absent in bundles before this field.
   */
  readonly redacted?: boolean;
}

/** What {@link DebugBundleRecorder.bundle} puts in. */
export interface BundleContents {
  readonly command?: readonly string[];
  readonly error?: unknown;
  readonly host?: unknown;
  /** Keep the chip serial and identity digits (a bundle for a private report). @default false */
  readonly raw?: boolean;
}

/** How much of each transfer to keep. */
export interface BundleLimits {
  /** Bytes kept of a transfer that is neither an XML document nor a Sahara packet. @default 64 */
  readonly rawBytes?: number;
  /** Bytes kept of an XML document. @default 8192 */
  readonly documentBytes?: number;
}

/** An XML document or a Sahara packet: kept whole, unlike raw data. */
function isProtocolMessage(data: Uint8Array): boolean {
  let i = 0;
  while (i < data.length && (data[i] === 0x20 || data[i] === 0x0a || data[i] === 0x0d)) i++;
  if (data[i] === 0x3c) return true;
  const header = peekSaharaHeader(data);
  return (
    header !== undefined && SAHARA_COMMANDS.has(header.command) && header.length === data.length
  );
}

function qfhVersion(): string {
  try {
    const url = new URL('../../package.json', import.meta.url);
    return (JSON.parse(readFileSync(url, 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Collects a session for a bundle; give its `observe` to a TappedTransport. */
export class DebugBundleRecorder {
  private readonly started = Date.now();
  private readonly transfers: BundleTransfer[] = [];
  private readonly lines: { t: number; line: string }[] = [];
  private readonly outData = new Map<number, Uint8Array>();
  /** The current run of raw transfers: how many, the merged entry, the last one. */
  private run: { dir: 'in' | 'out'; count: number; merged?: Mutable<BundleTransfer> } | undefined;
  private plan: unknown;
  private device: string | undefined;
  private readonly serials = new SerialWatch();

  constructor(private readonly limits: BundleLimits = {}) {}

  private now(): number {
    return Date.now() - this.started;
  }

  /** Records one transfer event. */
  readonly observe = (e: TransferEvent): void => {
    if (e.kind === 'submit') {
      if (e.dir === 'out') this.outData.set(e.urb, e.data);
      return;
    }
    const full = e.dir === 'out' ? (this.outData.get(e.urb) ?? new Uint8Array(0)) : e.data;
    this.outData.delete(e.urb);
    const protocol = isProtocolMessage(full);
    this.serials.observe(e.dir, full.subarray(0, e.length), protocol);
    const keep = protocol ? (this.limits.documentBytes ?? 8192) : (this.limits.rawBytes ?? 64);
    const kept = full.subarray(0, Math.min(keep, e.length));
    const entry: Mutable<BundleTransfer> = {
      t: this.now(),
      dir: e.dir,
      len: e.length,
      data: Buffer.from(kept.buffer, kept.byteOffset, kept.byteLength).toString('base64'),
      ...(e.status !== 0 ? { status: e.status } : {}),
    };
    const raw = !protocol && e.status === 0 && e.length > 0;
    if (!raw || this.run?.dir !== e.dir) this.run = raw ? { dir: e.dir, count: 0 } : undefined;
    if (this.run && ++this.run.count > RUN_HEAD + 1) this.mergeLast(this.run);
    this.transfers.push(entry);
  };

  /**
   * Folds the previous raw transfer of a long run into the run's merged entry, so a GiB
   * written costs a handful of entries, not one per transfer (memory stays flat).
   */
  private mergeLast(run: { count: number; merged?: Mutable<BundleTransfer> }): void {
    const last = this.transfers.pop();
    if (!last) return;
    if (!run.merged) {
      run.merged = { ...last, merged: 1 };
      this.transfers.push(run.merged);
      return;
    }
    run.merged.len += last.len;
    run.merged.t = last.t;
    run.merged.merged = (run.merged.merged ?? 1) + 1;
  }

  /** Records qfh output text (split into lines). */
  log(text: string): void {
    this.serials.text(text);
    for (const line of text.split('\n'))
      if (line.trim() !== '') this.lines.push({ t: this.now(), line });
  }

  setPlan(plan: unknown): void {
    this.plan = plan;
  }

  setDevice(description: string): void {
    this.device = description;
    this.serials.text(description);
  }

  /** The bundle as it stands: redacted unless `raw` is asked for. */
  bundle(o: BundleContents = {}): DebugBundle {
    const whole = this.wholeBundle(o);
    if (o.raw === true) return { ...whole, redacted: false };
    const serials = this.serials.serials;
    return {
      ...(redactValue({ ...whole, transfers: [] }, serials) as DebugBundle),
      transfers: whole.transfers.map((t) => ({
        ...t,
        data: Buffer.from(redactBytes(Buffer.from(t.data, 'base64'), serials)).toString('base64'),
      })),
      redacted: true,
    };
  }

  private wholeBundle(o: BundleContents): DebugBundle {
    const e = o.error;
    return {
      format: 'qfh-debug-bundle',
      version: 1,
      created: new Date(this.started).toISOString(),
      command: o.command ?? [],
      versions: {
        qfh: qfhVersion(),
        node: process.version,
        os: `${type()} ${release()} ${arch()}`,
      },
      host: o.host,
      plan: this.plan,
      error:
        e === undefined
          ? undefined
          : e instanceof QfhError
            ? { code: e.code, message: e.message, hint: e.hint }
            : {
                code: 'QFH_INTERNAL',
                message: e instanceof Error ? e.message : String(e),
                hint: '',
              },
      device: this.device,
      log: this.lines,
      transfers: this.transfers,
    };
  }

  /** Writes the bundle to `file`, a private file (mode 0600, never through a link). */
  async write(file: string, o: BundleContents & PrivateFileOptions = {}): Promise<void> {
    await writePrivateFile(file, `${JSON.stringify(this.bundle(o), null, 1)}\n`, o);
  }
}

/** Parses a bundle; `undefined` when the text is not one. */
export function parseDebugBundle(text: string): DebugBundle | undefined {
  if (!/^\s*\{/.test(text) || !text.includes('"qfh-debug-bundle"')) return undefined;
  try {
    const b = JSON.parse(text) as DebugBundle;
    return b.format === 'qfh-debug-bundle' && b.version === 1 ? b : undefined;
  } catch {
    return undefined;
  }
}
