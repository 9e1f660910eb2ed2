/**
 * Turns a QFirehose session log into a device script (DESIGN.md §3: "real-world material
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

/** Converts the text of a QFirehose log. */
export function convertQFirehoseLog(text: string): QFirehoseSession {
  const steps: ScriptStep[] = [];
  const commands: FirehoseElement[] = [];
  const reads: [number, number][] = [];
  let program: FirehoseElement | undefined;
  let saharaStarted = false;
  const startSahara = (): void => {
    if (saharaStarted) return;
    saharaStarted = true;
    steps.push({
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
    steps.push({
      dir: 'out-prefix',
      prefix: Uint8Array.from(
        Buffer.from('020000003000000002000000010000000000000000000000', 'hex'),
      ),
      length: 0x30,
    });
  };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/^\[[\d.]+\]:?\s?/, '');
    const triple = /^0x([0-9a-f]{8}) 0x([0-9a-f]{8}) 0x([0-9a-f]{8})\s*$/i.exec(line);
    if (triple) {
      startSahara();
      const [offset, length] = [parseInt(triple[2] ?? '0', 16), parseInt(triple[3] ?? '0', 16)];
      reads.push([offset, length]);
      steps.push(
        {
          dir: 'in',
          data: encodeSaharaPacket({
            type: 'readData',
            imageId: parseInt(triple[1] ?? '0', 16),
            offset,
            length,
          }),
        },
        { dir: 'out-raw', length },
      );
      continue;
    }
    const end = /^(?:q_)?image_id = (\d+), (?:q_)?status = (\d+)/.exec(line);
    if (end) {
      steps.push({
        dir: 'in',
        data: encodeSaharaPacket({
          type: 'endImageTx',
          imageId: Number(end[1]),
          status: Number(end[2]),
        }),
      });
      if (Number(end[2]) === 0)
        steps.push({ dir: 'out', data: encodeSaharaPacket({ type: 'done' }) });
      continue;
    }
    const done = /^(?:q_)?image_tx_status = (\d+)/.exec(line);
    if (done) {
      steps.push({
        dir: 'in',
        data: encodeSaharaPacket({ type: 'doneResponse', imageTxStatus: Number(done[1]) }),
      });
      continue;
    }
    if (!line.startsWith('<')) continue;
    if (HOST.test(line)) {
      const [element] = parseDocument(`<data>${line}</data>`);
      if (!element) continue;
      commands.push(element);
      steps.push({ dir: 'out-xml', element });
      program = element.tag === 'program' ? element : undefined;
      continue;
    }
    if (!/^<(log|response)\b/.test(line)) continue;
    steps.push({
      dir: 'in',
      data: enc(`<?xml version="1.0" encoding="UTF-8" ?>\n<data>\n${line}</data>`),
    });
    if (program && /^<response\b.*rawmode="true"/.test(line)) {
      steps.push({
        dir: 'out-raw',
        length: attr(program, 'num_partition_sectors') * attr(program, 'SECTOR_SIZE_IN_BYTES'),
      });
      program = undefined;
    }
  }
  return {
    steps,
    commands,
    saharaReads: reads,
    programmerSize: reads.reduce((m, [o, l]) => Math.max(m, o + l), 0),
  };
}
