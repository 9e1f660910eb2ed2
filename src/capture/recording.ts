/**
 * Captures (docs/ARCHITECTURE.md, Contracts): JSON Lines, a header `{"format":"qfh-capture","version":1,…}`
 * then one line per transfer `{"t":ms,"dir":"out"|"in","data":base64}` (a ZLP has empty
 * data). {@link RecordingTransport} writes one from any session, real or simulated;
 * {@link readCapture} turns one back into a script for {@link ReplayTransport}.
 *
 * @module
 */
import { CaptureError } from '../errors.js';
import type { ReadOptions, Transport, WriteOptions } from '../transport/transport.js';
import type { ScriptStep } from './script.js';
import { transfersToScript, type CapturedTransfer } from './captured-transfer.js';

/** The first line of a capture. */
export interface CaptureHeader {
  readonly format: 'qfh-capture';
  readonly version: 1;
  readonly device?: string;
  readonly created?: string;
  readonly [key: string]: unknown;
}

/** Wraps a transport and writes every transfer both ways to `sink`, one JSON line each. */
export class RecordingTransport implements Transport {
  private readonly started = Date.now();

  constructor(
    private readonly inner: Transport,
    private readonly sink: (line: string) => void,
    header: Record<string, unknown> = {},
  ) {
    sink(
      JSON.stringify({
        format: 'qfh-capture',
        version: 1,
        device: inner.description,
        created: new Date().toISOString(),
        ...header,
      }),
    );
  }

  get description(): string {
    return `${this.inner.description} (recording)`;
  }

  private record(dir: 'in' | 'out', data: Uint8Array): void {
    this.sink(
      JSON.stringify({
        t: Date.now() - this.started,
        dir,
        data: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64'),
      }),
    );
  }

  async read(maxBytes: number, options: ReadOptions): Promise<Uint8Array> {
    const data = await this.inner.read(maxBytes, options);
    this.record('in', data);
    return data;
  }

  async write(data: Uint8Array, options: WriteOptions): Promise<void> {
    this.record('out', data);
    await this.inner.write(data, options);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** Parses a capture into its header and an exact script (one step per transfer). */
export function readCapture(text: string): { header: CaptureHeader; steps: ScriptStep[] } {
  const { header, transfers } = readCaptureTransfers(text);
  return { header, steps: transfersToScript(transfers) };
}

/**
 * Parses a capture into its header and transfers. A line may carry `"len"`, the transfer's
 * length on the wire, when `data` holds only its first bytes (an imported usbmon capture with a
 * snapshot limit).
 */
export function readCaptureTransfers(text: string): {
  header: CaptureHeader;
  transfers: CapturedTransfer[];
} {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const bad = (why: string): CaptureError =>
    new CaptureError('QFH_CAPTURE_FORMAT', `not a qfh capture: ${why}`, {
      hint: 'Captures are JSON Lines written by qfh --record; check the file is complete.',
    });
  let header: CaptureHeader;
  try {
    header = JSON.parse(lines[0] ?? '') as CaptureHeader;
  } catch {
    throw bad('the first line is not JSON');
  }
  if (header.format !== 'qfh-capture' || header.version !== 1)
    throw bad('the header is not {"format":"qfh-capture","version":1}');
  const transfers = lines.slice(1).map((line, i): CapturedTransfer => {
    let record: { dir?: unknown; data?: unknown; t?: unknown; len?: unknown };
    try {
      record = JSON.parse(line) as typeof record;
    } catch {
      throw bad(`line ${i + 2} is not JSON`);
    }
    if ((record.dir !== 'in' && record.dir !== 'out') || typeof record.data !== 'string')
      throw bad(`line ${i + 2} lacks dir/data`);
    const data = Uint8Array.from(Buffer.from(record.data, 'base64'));
    return {
      index: i + 1,
      dir: record.dir,
      t: typeof record.t === 'number' ? record.t : 0,
      data,
      length: typeof record.len === 'number' ? Math.max(record.len, data.length) : data.length,
    };
  });
  return { header, transfers };
}

/** Writes transfers as a capture (JSON Lines text, header first). */
export function writeCapture(
  transfers: readonly CapturedTransfer[],
  header: Record<string, unknown> = {},
): string {
  const lines = [
    JSON.stringify({ format: 'qfh-capture', version: 1, ...header }),
    ...transfers.map((t) =>
      JSON.stringify({
        t: Math.round(t.t * 1000) / 1000,
        dir: t.dir,
        data: Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).toString('base64'),
        ...(t.length > t.data.length ? { len: t.length } : {}),
      }),
    ),
  ];
  return `${lines.join('\n')}\n`;
}
