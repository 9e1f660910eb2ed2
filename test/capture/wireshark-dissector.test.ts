import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeUsbmonRecord,
  encodeUsbmonRecord,
  importUsbmon,
  readPacketFile,
  writePcap,
  type CapturedTransfer,
} from '../../src/capture/index.js';
import { usbmonFixtures } from '../helpers/usbmon-fixtures.js';
import { parseDocument, type FirehoseElement } from '../../src/firehose/xml.js';
import { decodeSaharaPacket, SAHARA_COMMANDS, saharaStatusInfo } from '../../src/sahara/index.js';
import { demoFlashPcapng, demoPackage } from '../helpers/demo-capture.js';
import { tsharkAvailable, tsharkFields, type TsharkFrame } from '../helpers/tshark.js';

const available = tsharkAvailable();

const FIELDS = [
  'frame.number',
  'qfh_edl.protocol',
  'qfh_edl.sahara.command',
  'qfh_edl.sahara.name',
  'qfh_edl.sahara.length',
  'qfh_edl.sahara.version',
  'qfh_edl.sahara.mode_name',
  'qfh_edl.sahara.status_name',
  'qfh_edl.sahara.image_id',
  'qfh_edl.sahara.offset',
  'qfh_edl.sahara.length',
  'qfh_edl.sahara.image_tx_status',
  'qfh_edl.firehose.tag',
  'qfh_edl.firehose.attribute',
  'qfh_edl.firehose.response',
  'qfh_edl.firehose.log',
  'qfh_edl.raw.for',
  'qfh_edl.raw.bytes',
];

const one = (f: TsharkFrame, k: string): string | undefined => f[k]?.[0];

/** Every Sahara frame tshark decoded names the command and each field as the packet has it. */
function expectSaharaDecoded(frames: TsharkFrame[], transfers: CapturedTransfer[]): void {
  let sahara = 0;
  const exchange: string[] = [];
  transfers.forEach((t, i) => {
    const f = frames[i] ?? {};
    if (one(f, 'qfh_edl.protocol') !== 'Sahara') return;
    sahara++;
    const p = decodeSaharaPacket(t.data);
    const id = new DataView(t.data.buffer, t.data.byteOffset).getUint32(0, true);
    expect(one(f, 'qfh_edl.sahara.name')).toBe(SAHARA_COMMANDS.get(id)?.name);
    if ('version' in p) expect(one(f, 'qfh_edl.sahara.version')).toBe(String(p.version));
    if ('status' in p)
      expect(one(f, 'qfh_edl.sahara.status_name')).toBe(saharaStatusInfo(p.status).name);
    if (p.type === 'readData') {
      expect(one(f, 'qfh_edl.sahara.image_id')).toBe(String(p.imageId));
      expect(Number(one(f, 'qfh_edl.sahara.offset'))).toBe(p.offset);
    }
    if (p.type === 'doneResponse')
      expect(one(f, 'qfh_edl.sahara.image_tx_status')).toBe(String(p.imageTxStatus));
    const name = one(f, 'qfh_edl.sahara.name') ?? '?';
    if (exchange.at(-1)?.startsWith(name) && name === 'READ_DATA') {
      const n = Number(/×(\d+)/.exec(exchange.at(-1) ?? '')?.[1] ?? 1) + 1;
      exchange[exchange.length - 1] = `READ_DATA ×${n}`;
    } else exchange.push(name);
  });
  // Every Sahara packet the host and the simulated PBL exchanged, in the test output.
  console.log(`Sahara exchange decoded by tshark: ${exchange.join(' → ')}`);
  expect(exchange[0]).toBe('HELLO');
  expect(exchange.at(-1)).toBe('DONE_RESP');
  expect(sahara).toBeGreaterThan(5);
}

/** Every Firehose frame tshark decoded lists the document's elements, attributes, responses and logs. */
function expectFirehoseDecoded(frames: TsharkFrame[], transfers: CapturedTransfer[]): void {
  const commands: string[] = [];
  transfers.forEach((t, i) => {
    const f = frames[i] ?? {};
    if (one(f, 'qfh_edl.protocol') !== 'Firehose') return;
    const text = Buffer.from(t.data).toString('utf8');
    const elements: FirehoseElement[] = (text.match(/<\?xml[\s\S]*?<\/data>/g) ?? []).flatMap(
      (doc) => parseDocument(doc),
    );
    expect(f['qfh_edl.firehose.tag']).toEqual(elements.map((e) => e.tag));
    expect(f['qfh_edl.firehose.attribute']).toEqual(
      elements.flatMap((e) => e.attributes.map(([k, v]) => `${k}=${v}`)),
    );
    const responses = elements.filter((e) => e.tag === 'response');
    expect(f['qfh_edl.firehose.response']).toEqual(
      responses.length
        ? responses.map((e) => e.attributes.find(([k]) => k === 'value')?.[1])
        : undefined,
    );
    const logs = elements
      .filter((e) => e.tag === 'log')
      .map((e) => e.attributes.find(([k]) => k === 'value')?.[1]);
    expect(f['qfh_edl.firehose.log']).toEqual(logs.length ? logs : undefined);
    if (t.dir === 'out') commands.push(...elements.map((e) => e.tag));
  });
  console.log(`Firehose commands decoded by tshark (${commands.length}): ${commands.join(', ')}`);
  // The host's commands, read straight from its transfers.
  const sent = transfers
    .filter((t) => t.dir === 'out' && isDocument(t))
    .flatMap((t) => parseDocument(Buffer.from(t.data).toString('utf8')).map((e) => e.tag));
  expect(commands).toEqual(sent);
  expect(commands).toEqual(
    expect.arrayContaining(['configure', 'erase', 'program', 'read', 'power']),
  );
}

/** tshark names each raw data phase after its program or read and counts all its bytes. */
function expectRawPhasesCounted(frames: TsharkFrame[], transfers: CapturedTransfer[]): void {
  const expected = new Map<string, number>();
  const got = new Map<string, number>();
  transfers.forEach((t, i) => {
    const f = frames[i] ?? {};
    const label = one(f, 'qfh_edl.raw.for');
    if (label) got.set(label, (got.get(label) ?? 0) + Number(one(f, 'qfh_edl.raw.bytes')));
  });
  for (const t of transfers) {
    if (t.dir !== 'out' || !isDocument(t)) continue;
    for (const e of parseDocument(Buffer.from(t.data).toString('utf8'))) {
      if (e.tag !== 'program' && e.tag !== 'read') continue;
      const a = (k: string): string => e.attributes.find(([n]) => n === k)?.[1] ?? '';
      const label = `<${e.tag}> ${a('filename') || a('label')} LUN ${a('physical_partition_number') || '0'} sector ${a('start_sector')}`;
      expected.set(
        label,
        (expected.get(label) ?? 0) +
          Number(a('num_partition_sectors')) * Number(a('SECTOR_SIZE_IN_BYTES')),
      );
    }
  }
  const programs = [...got].filter(([k]) => k.startsWith('<'));
  expect(new Map(programs)).toEqual(expected);
  console.log(
    `Raw data phases decoded by tshark: ${programs.length} (${[...expected.keys()].slice(0, 3).join('; ')}; …)`,
  );
}

describe.skipIf(!available)('the Wireshark dissector (tshark) on an exported demo flash', () => {
  let dir: string;
  let frames: TsharkFrame[];
  let transfers: CapturedTransfer[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qfh-tshark-'));
    const pcapng = await demoFlashPcapng(await demoPackage());
    await writeFile(join(dir, 'demo.pcapng'), pcapng);
    transfers = importUsbmon(pcapng).transfers.filter((t) => t.length > 0);
    frames = tsharkFields(join(dir, 'demo.pcapng'), 'qfh_edl', FIELDS);
  }, 120_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('decodes the same session alike from a pcap with link type 189 (48-byte usbmon headers)', async () => {
    const ng = readPacketFile(await readFile(join(dir, 'demo.pcapng')));
    const pcap = writePcap(
      189,
      ng.packets.map((p) => ({
        timestampUs: p.timestampUs,
        data: encodeUsbmonRecord(decodeUsbmonRecord(p.data, p), { linkType: 189 }),
      })),
    );
    await writeFile(join(dir, 'demo.pcap'), pcap);
    const summaries = (file: string): (string | undefined)[] =>
      tsharkFields(join(dir, file), 'qfh_edl', ['qfh_edl.summary']).map((f) =>
        one(f, 'qfh_edl.summary'),
      );
    expect(summaries('demo.pcap')).toEqual(summaries('demo.pcapng'));
  });

  it('decodes every transfer of the session, one frame each', () => {
    expect(frames.length).toBe(transfers.length);
  });

  it('decodes every Sahara packet: command name and each field, statuses by name', () => {
    expectSaharaDecoded(frames, transfers);
  });

  it('decodes every Firehose document: elements, attributes, ACK/NAK, logs', () => {
    expectFirehoseDecoded(frames, transfers);
  });

  it('names the raw data phases after their program and counts every byte', () => {
    expectRawPhasesCounted(frames, transfers);
  });
});

/** A Firehose document (raw data may start with `<` by chance, not with the XML declaration). */
function isDocument(t: CapturedTransfer): boolean {
  return Buffer.from(t.data.subarray(0, 5)).toString('latin1') === '<?xml';
}

describe.skipIf(!available)('the Wireshark dissector (tshark) on the usbmon fixtures', () => {
  for (const f of usbmonFixtures())
    it(`${f.name}: every Sahara packet by name, every Firehose document by element`, async () => {
      const transfers = importUsbmon(
        await readFile(f.capture),
        f.sidecar.select ?? {},
      ).transfers.filter((t) => t.length > 0);
      const frames = tsharkFields(f.capture, 'qfh_edl', [
        'qfh_edl.protocol',
        'qfh_edl.sahara.name',
        'qfh_edl.firehose.tag',
      ]);
      expect(frames.length).toBe(transfers.length);
      transfers.forEach((t, i) => {
        const frame = frames[i] ?? {};
        let name: string | undefined;
        try {
          decodeSaharaPacket(t.data); // throws unless it is a whole Sahara packet
          name = SAHARA_COMMANDS.get(t.data[0] ?? 0)?.name;
        } catch {
          name = undefined;
        }
        if (one(frame, 'qfh_edl.protocol') === 'Sahara')
          expect(one(frame, 'qfh_edl.sahara.name')).toBe(name);
        if (isDocument(t))
          expect(frame['qfh_edl.firehose.tag']).toEqual(
            parseDocument(Buffer.from(t.data).toString('utf8')).map((e) => e.tag),
          );
      });
      console.log(
        `${f.name}: ${frames.map((x) => one(x, 'qfh_edl.sahara.name') ?? one(x, 'qfh_edl.protocol')).join(' → ')}`,
      );
    });
});
