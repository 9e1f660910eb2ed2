/**
 * Turns a QFirehose session log into a device script (docs/ARCHITECTURE.md, Contracts: "real-world material
 * that is not a byte capture is turned into a device script by a converter"). What the
 * log holds verbatim (every device `<log>`/`<response>` line, every host command) is used
 * as is; what it only describes is rebuilt: Sahara packets from the decoded
 * `image offset length` triples and END_IMAGE_TX/DONE_RESP statuses, a v2 HELLO (the log
 * decodes no HELLO fields), and raw program data as a byte count.
 *
 * @module
 */
import { encodeSaharaPacket } from '../sahara/packets.js';
import { parseDocument, type FirehoseElement } from '../firehose/xml.js';
import type { ScriptStep } from './script.js';

/** A converted session. */
export interface QFirehoseSession {
  readonly steps: ScriptStep[];
  /** The host's Firehose commands, in order, as the log shows them. */
  readonly commands: FirehoseElement[];
  /** Sahara READ_DATA requests (offset, length) the PBL made. */
  readonly saharaReads: readonly (readonly [number, number])[];
  /** Smallest programmer size that satisfies every read. */
  readonly programmerSize: number;
}

const HOST =
  /^<(configure|erase|program|power|patch|read|nop|getstorageinfo|getsha256digest|setbootablestoragedrive)\b/;
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const attr = (e: FirehoseElement, name: string): number =>
  Number(e.attributes.find(([k]) => k === name)?.[1] ?? NaN);

/** What the conversion has gathered so far. */
interface Conversion {
  readonly steps: ScriptStep[];
  readonly commands: FirehoseElement[];
  readonly reads: [number, number][];
  program: FirehoseElement | undefined;
  saharaStarted: boolean;
}

/** The HELLO a PBL sends and the HELLO_RSP QFirehose answers (the log shows neither). */
function startSahara(c: Conversion): void {
  if (c.saharaStarted) return;
  c.saharaStarted = true;
  c.steps.push({
    dir: 'in',
    data: encodeSaharaPacket({
      type: 'hello',
      version: 2,
      versionSupported: 1,
      maxCommandLength: 0x400,
      mode: 0,
      reserved: [0, 0, 0, 0, 0, 0],
    }),
  });
  // HELLO_RSP: command 2, length 0x30, version 2, compatible 1, status 0, mode 0 (reserved words may vary).
  c.steps.push({
    dir: 'out-prefix',
    prefix: Uint8Array.from(Buffer.from('020000003000000002000000010000000000000000000000', 'hex')),
    length: 0x30,
  });
}

/** A Sahara line (READ_DATA triple, END_IMAGE_TX, DONE_RESP); false when it is none. */
function saharaLine(line: string, c: Conversion): boolean {
  const triple = /^0x([0-9a-f]{8}) 0x([0-9a-f]{8}) 0x([0-9a-f]{8})\s*$/i.exec(line);
  if (triple) {
    startSahara(c);
    const [offset, length] = [parseInt(triple[2] ?? '0', 16), parseInt(triple[3] ?? '0', 16)];
    c.reads.push([offset, length]);
    const imageId = parseInt(triple[1] ?? '0', 16);
    c.steps.push(
      { dir: 'in', data: encodeSaharaPacket({ type: 'readData', imageId, offset, length }) },
      { dir: 'out-raw', length },
    );
    return true;
  }
  const end = /^(?:q_)?image_id = (\d+), (?:q_)?status = (\d+)/.exec(line);
  if (end) {
    const status = Number(end[2]);
    c.steps.push({
      dir: 'in',
      data: encodeSaharaPacket({ type: 'endImageTx', imageId: Number(end[1]), status }),
    });
    if (status === 0) c.steps.push({ dir: 'out', data: encodeSaharaPacket({ type: 'done' }) });
    return true;
  }
  const done = /^(?:q_)?image_tx_status = (\d+)/.exec(line);
  if (!done) return false;
  c.steps.push({
    dir: 'in',
    data: encodeSaharaPacket({ type: 'doneResponse', imageTxStatus: Number(done[1]) }),
  });
  return true;
}

/** A Firehose line: a host command, or a device log/response. */
function firehoseLine(line: string, c: Conversion): void {
  if (!line.startsWith('<')) return;
  if (HOST.test(line)) {
    const [element] = parseDocument(`<data>${line}</data>`);
    if (!element) return;
    c.commands.push(element);
    c.steps.push({ dir: 'out-xml', element });
    c.program = element.tag === 'program' ? element : undefined;
    return;
  }
  if (!/^<(log|response)\b/.test(line)) return;
  c.steps.push({
    dir: 'in',
    data: enc(`<?xml version="1.0" encoding="UTF-8" ?>\n<data>\n${line}</data>`),
  });
  if (c.program && /^<response\b.*rawmode="true"/.test(line)) {
    const length =
      attr(c.program, 'num_partition_sectors') * attr(c.program, 'SECTOR_SIZE_IN_BYTES');
    c.steps.push({ dir: 'out-raw', length });
    c.program = undefined;
  }
}

/** Converts the text of a QFirehose log. */
export function convertQFirehoseLog(text: string): QFirehoseSession {
  const c: Conversion = {
    steps: [],
    commands: [],
    reads: [],
    program: undefined,
    saharaStarted: false,
  };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/^\[[\d.]+\]:?\s?/, '');
    if (!saharaLine(line, c)) firehoseLine(line, c);
  }
  return {
    steps: c.steps,
    commands: c.commands,
    saharaReads: c.reads,
    programmerSize: c.reads.reduce((m, [o, l]) => Math.max(m, o + l), 0),
  };
}
