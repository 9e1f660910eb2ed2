/**
 * `qfh inspect` on a recorded session: a debug bundle, a usbmon capture (pcap/pcapng), or a qfh
 * capture (JSON Lines). Prints the session as a timeline with per-operation timing; for a
 * bundle also the error, versions, host checks that were not ok, and qfh's own output lines.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { parseDebugBundle, type DebugBundle } from '../../capture/debug-bundle.js';
import { readCaptureTransfers } from '../../capture/recording.js';
import {
  renderTimeline,
  sessionTimeline,
  type TimelineTransfer,
} from '../../capture/session-timeline.js';
import { importUsbmon } from '../../capture/usbmon-import.js';
import type { InspectReport } from './inspect-file.js';

const PCAP_MAGICS = new Set([0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1, 0x0a0d0d0a]);

/** A report when the file whose first bytes are `head` is a recorded session; else `undefined`. */
export async function inspectSessionFile(
  input: string,
  head: Buffer,
  size: number,
): Promise<InspectReport | undefined> {
  const pcap = head.length >= 4 && PCAP_MAGICS.has(head.readUInt32LE(0));
  const text = head.subarray(0, 4096).toString('utf8');
  if (!pcap && !(/^\s*\{/.test(text) && /"qfh-(capture|debug-bundle)"/.test(text)))
    return undefined;
  // A file small enough to be read whole for sniffing is not read a second time.
  return inspectSession(input, head.length === size ? head : await readFile(input));
}

/** A report when `bytes` (the whole file) is a recorded session; `undefined` otherwise. */
export function inspectSession(input: string, bytes: Buffer): InspectReport | undefined {
  if (bytes.length >= 4 && PCAP_MAGICS.has(bytes.readUInt32LE(0))) {
    const session = importUsbmon(bytes);
    const { bus, address, vendorId, productId, identifiedBy } = session.device;
    const hex = (n: number | undefined): string => n?.toString(16).padStart(4, '0') ?? '?';
    return timelineReport(input, 'usbmon', session.transfers, {
      head: [
        `usbmon capture ${input}: device ${bus}.${address} ${hex(vendorId)}:${hex(productId)} (found by ${identifiedBy}), ${session.transfers.length} transfers`,
        ...session.notes.map((n) => `  note: ${n}`),
      ],
    });
  }
  const text = bytes.toString('utf8');
  const bundle = parseDebugBundle(text);
  if (bundle) return bundleReport(input, bundle);
  if (/^\s*\{[^\n]*"qfh-capture"/.test(text)) {
    const { header, transfers } = readCaptureTransfers(text);
    return timelineReport(input, 'capture', transfers, {
      head: [
        `qfh capture ${input}: ${String(header.device ?? 'device not named')}, ${transfers.length} transfers`,
      ],
    });
  }
  return undefined;
}

function timelineReport(
  input: string,
  kind: string,
  transfers: readonly TimelineTransfer[],
  c: { head: string[]; logs?: readonly { t: number; line: string }[] },
): InspectReport {
  const { head, logs = [] } = c;
  const rows = sessionTimeline(transfers);
  return {
    kind,
    input,
    data: { rows, transfers: transfers.length },
    text: [...head, '  time        took  operation', ...renderTimeline(rows, logs)],
  };
}

function bundleReport(input: string, b: DebugBundle): InspectReport {
  const transfers: TimelineTransfer[] = b.transfers.map((t) => ({
    t: t.t,
    dir: t.dir,
    data: Uint8Array.from(Buffer.from(t.data, 'base64')),
    length: t.len,
    ...(t.status ? { status: t.status } : {}),
  }));
  const checks = Array.isArray(b.host)
    ? (b.host as { status?: string; detail?: string }[]).filter(
        (c) => c.status === 'warn' || c.status === 'refuse',
      )
    : [];
  const head = [
    `debug bundle ${input}: qfh ${b.command.join(' ')}`,
    `  made ${b.created} by qfh ${b.versions.qfh}, node ${b.versions.node}, ${b.versions.os}`,
    `  device: ${b.device ?? 'none opened'}; ${b.transfers.length} transfers; plan: ${b.plan ? 'included' : 'none'}`,
    b.error ? `  failed: ${b.error.message} [${b.error.code}]` : '  ended without an error',
    ...checks.map((c) => `  host: ${c.status}: ${c.detail}`),
  ];
  const report = timelineReport(input, 'bundle', transfers, { head, logs: b.log });
  return { ...report, data: { ...b, timeline: (report.data as { rows: unknown }).rows } };
}
