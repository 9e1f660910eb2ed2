/**
 * A session's transfers as a timeline of operations with their timing: the Sahara exchange
 * (READ_DATA runs collapsed into one row with the bytes served), the programmer's banner, and
 * each Firehose command from the moment the host sent it to its final response, with the raw
 * bytes of its data phase. Works on cut-short transfers (debug bundles): raw phases are counted
 * by their length on the wire, and only protocol messages need their bytes.
 *
 * @module
 */
import {
  decodeSaharaPacket,
  SAHARA_COMMANDS,
  saharaStatusInfo,
  type SaharaPacket,
} from '../sahara/index.js';
import { parseDocument, type FirehoseElement } from '../firehose/xml.js';

/** One transfer, as the timeline needs it. */
export interface TimelineTransfer {
  /** Milliseconds from a common start. */
  readonly t: number;
  readonly dir: 'in' | 'out';
  readonly data: Uint8Array;
  readonly length: number;
  /** Non-zero for a transfer that ended early (a cancelled read). */
  readonly status?: number;
}

/** One operation. */
export interface TimelineRow {
  readonly start: number;
  end: number;
  readonly what: string;
  readonly detail: string;
  bytes: number;
  result: string;
  logs: number;
}

const attr = (e: FirehoseElement, name: string): string | undefined =>
  e.attributes.find(([k]) => k === name)?.[1];

function describe(e: FirehoseElement): string {
  const target = attr(e, 'filename') ?? attr(e, 'label');
  const sector = attr(e, 'start_sector');
  if (sector !== undefined)
    return `${target ? `${target} ` : ''}LUN ${attr(e, 'physical_partition_number') ?? 0} sector ${sector} +${attr(e, 'num_partition_sectors') ?? '?'}`;
  const all = e.attributes.map(([k, v]) => `${k}=${v}`).join(' ');
  return all.length > 70 ? `${all.slice(0, 69)}…` : all;
}

const rawLength = (e: FirehoseElement): number =>
  Number(attr(e, 'num_partition_sectors') ?? 0) * Number(attr(e, 'SECTOR_SIZE_IN_BYTES') ?? 0);

function saharaDetail(p: SaharaPacket): { detail: string; result: string } {
  const fields = Object.entries(p).filter(([k]) => k !== 'type' && k !== 'reserved');
  const status = 'status' in p ? saharaStatusInfo(p.status).name : '';
  return { detail: fields.map(([k, v]) => `${k}=${String(v)}`).join(' '), result: status };
}

/** Builds the timeline. */
export function sessionTimeline(transfers: readonly TimelineTransfer[]): TimelineRow[] {
  const rows: TimelineRow[] = [];
  let open: TimelineRow | undefined;
  /** The Firehose command whose final response has not come yet. */
  let command: FirehoseElement | undefined;
  let raw: { dir: 'in' | 'out'; left: number } | undefined;
  const row = (t: number, what: string, detail = ''): TimelineRow => {
    const r = { start: t, end: t, what, detail, bytes: 0, result: '', logs: 0 };
    rows.push(r);
    return r;
  };
  for (const x of transfers) {
    if (x.status || x.length === 0) continue;
    if (raw && raw.dir === x.dir) {
      raw.left -= x.length;
      if (open) {
        open.bytes += x.length;
        open.end = x.t;
      }
      if (raw.left <= 0) raw = undefined;
      continue;
    }
    const elements = firehoseElements(x.data);
    if (elements) {
      for (const e of elements) {
        if (x.dir === 'out') {
          command = e;
          open = row(x.t, e.tag, describe(e));
        } else if (e.tag === 'log') {
          if (!command && open?.what !== 'banner') open = row(x.t, 'banner');
          if (open) {
            open.logs++;
            open.end = x.t;
          }
        } else if (e.tag === 'response' && open && command) {
          open.end = x.t;
          const rawMode = attr(e, 'rawmode')?.toLowerCase();
          if (rawMode === 'true')
            raw = { dir: command.tag === 'read' ? 'in' : 'out', left: rawLength(command) };
          else {
            open.result = attr(e, 'value') ?? '?';
            command = undefined;
          }
        }
      }
      continue;
    }
    let packet: SaharaPacket;
    try {
      packet = decodeSaharaPacket(x.data);
    } catch {
      row(x.t, 'data', `${x.dir} ${x.length} bytes not understood`);
      continue;
    }
    const name = SAHARA_COMMANDS.get(x.data[0] ?? 0)?.name ?? packet.type;
    if (packet.type === 'readData' || packet.type === 'readData64') {
      if (open?.what !== name) open = row(x.t, name, `image ${String(packet.imageId)}`);
      open.logs++;
      open.end = x.t;
      raw = { dir: 'out', left: Number(packet.length) };
      continue;
    }
    const { detail, result } = saharaDetail(packet);
    open = row(x.t, name, detail);
    open.result = result;
    // The EXECUTE answer's data follows as its own transfer: count it on this row.
    if (packet.type === 'executeResponse') raw = { dir: 'in', left: packet.dataLength };
  }
  return rows;
}

function firehoseElements(data: Uint8Array): FirehoseElement[] | undefined {
  const text = Buffer.from(data).toString('utf8');
  if (!/^\s*</.test(text)) return undefined;
  const out: FirehoseElement[] = [];
  for (const doc of text.match(/<\?xml[\s\S]*?<\/data>|<data>[\s\S]*?<\/data>/g) ?? []) {
    try {
      out.push(...parseDocument(doc));
    } catch {
      out.push({ tag: 'unparsed', attributes: [['text', doc.slice(0, 60)]] });
    }
  }
  return out;
}

/** The timeline as text lines, with qfh's own log lines (same clock) between the rows. */
export function renderTimeline(
  rows: readonly TimelineRow[],
  logs: readonly { t: number; line: string }[] = [],
): string[] {
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(3)}s`;
  const entries: [number, string][] = [
    ...rows.map((r): [number, string] => {
      const count = r.what.startsWith('READ_DATA')
        ? ` in ${r.logs} reads`
        : r.logs
          ? ` ${r.logs} logs`
          : '';
      const bytes = r.bytes ? ` ${r.bytes} B` : '';
      return [
        r.start,
        `  +${seconds(r.start).padStart(9)} ${seconds(r.end - r.start).padStart(8)}  ${r.what.padEnd(16)} ${r.detail}${bytes}${count}${r.result ? `  → ${r.result}` : ''}`,
      ];
    }),
    ...logs.map((l): [number, string] => [
      l.t,
      `  +${seconds(l.t).padStart(9)}           qfh: ${l.line}`,
    ]),
  ];
  return entries.sort((a, b) => a[0] - b[0]).map(([, line]) => line);
}
