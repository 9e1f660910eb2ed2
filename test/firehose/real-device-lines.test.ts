import { expect, it } from 'vitest';
import { FirehoseFramer, parseDeviceDocument, parseDocument } from '../../src/firehose/index.js';
import { describeReal, realText } from '../helpers/real.js';

/** Every real session log with device lines. */
const LOGS: { file: string[] }[] = [
  { file: ['logs', 'qfirehose-v1.3.2_rm500q-sdx55_usb_openwrt.log.txt'] },
  { file: ['logs', 'qfirehose-v1.1.8_em20-sdx24_usb.log.txt'] },
  { file: ['logs', 'qfirehose-v1.1.8_em20-sdx24_tcp-remote.log.txt'] },
  { file: ['logs', 'qfirehose-v1.4.5_pcie-mhi_abridged.log.txt'] },
  { file: ['quectel-eg25g-gc-30.203.30.203', 'qfirehose-eg25ggc-session.log.txt'] },
];

/** Device lines of a QFirehose log: `[ts]: <log .../>` or `[ts] <response .../>` (both timestamp forms occur). */
function deviceLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => /^\[[\d.]+\]:? (<(?:log|response)\b.*\/>)\s*$/.exec(line)?.[1])
    .filter((l): l is string => l !== undefined);
}

/** An independent reading of one element's attributes: a regex, entities decoded by hand. */
function regexAttributes(line: string): [string, string][] {
  const decode = (v: string): string =>
    v
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&apos;/g, "'")
      .replace(/&amp;/g, '&');
  return [...line.matchAll(/([A-Za-z_][\w]*)="([^"]*)"/g)].map((m) => [
    m[1] ?? '',
    decode(m[2] ?? ''),
  ]);
}

describeReal('Firehose codec on every device line of the real QFirehose logs', () => {
  for (const log of LOGS) {
    it(`parses every device line of ${log.file.join('/')} with all attributes in order`, () => {
      const lines = deviceLines(realText(...log.file));
      expect(lines.length).toBeGreaterThan(10);
      for (const line of lines) {
        const doc = `<?xml version="1.0" encoding="UTF-8" ?>\n<data>\n${line}</data>`;
        const [element] = parseDocument(doc);
        expect(element?.attributes).toEqual(regexAttributes(line));
        const [message] = parseDeviceDocument(doc);
        if (line.startsWith('<log')) {
          expect(message).toEqual({ kind: 'log', value: regexAttributes(line)[0]?.[1] });
        } else {
          expect(message?.kind).toBe('response');
          if (message?.kind === 'response') {
            expect(message.value).toBe('ACK');
            const raw = /rawmode="(\w+)"/.exec(line)?.[1];
            expect(message.rawMode).toBe(raw === undefined ? undefined : raw === 'true');
          }
        }
      }
    });
  }

  it('reads the RM500Q configure ACK with its real attribute set', () => {
    const ack = deviceLines(
      realText('logs', 'qfirehose-v1.3.2_rm500q-sdx55_usb_openwrt.log.txt'),
    ).find((l) => l.includes('MemoryName'));
    const [message] = parseDeviceDocument(`<?xml version="1.0" ?><data>${ack}</data>`);
    expect(message).toEqual({
      kind: 'response',
      value: 'ACK',
      rawMode: undefined,
      attributes: [
        ['value', 'ACK'],
        ['MemoryName', 'nand'],
        ['MinVersionSupported', '1'],
        ['Version', '1'],
        ['MaxPayloadSizeToTargetInBytes', '8192'],
        ['MaxPayloadSizeToTargetInBytesSupported', '8192'],
        ['MaxXMLSizeInBytes', '4096'],
        ['DateTime', 'Apr 19 2020 - 17:49:11'],
      ],
    });
  });

  it('reads the EG25-G GC (9x07 NAND) configure ACK, the one real MDM9607 answer', () => {
    const lines = deviceLines(
      realText('quectel-eg25g-gc-30.203.30.203', 'qfirehose-eg25ggc-session.log.txt'),
    );
    const ack = lines.find((l) => l.includes('TargetName'));
    const [message] = parseDeviceDocument(`<?xml version="1.0" ?><data>${ack}</data>`);
    expect(
      message?.kind === 'response' ? Object.fromEntries(message.attributes) : undefined,
    ).toEqual({
      value: 'ACK',
      MemoryName: 'NAND',
      MaxPayloadSizeFromTargetInBytes: '2048',
      MaxPayloadSizeToTargetInBytes: '8192',
      MaxPayloadSizeToTargetInBytesSupported: '16384',
      TargetName: '9x07',
    });
    expect(lines).toContain(
      '<log value="Supported Functions: program configure power read getstorageinfo erase nop "/>',
    );
  });
});

/** The raw device bytes in the SDM855 transcript: each `<?xml…</data>` run between separator lines is one USB read. */
function sdm855Reads(text: string): string[] {
  return text
    .split('------------------------\n')
    .map((block) => {
      const start = block.indexOf('<?xml');
      const end = block.lastIndexOf('</data>');
      return start >= 0 && end > start ? block.slice(start, end + '</data>'.length) : undefined;
    })
    .filter((r): r is string => r !== undefined);
}

describeReal('Firehose framer on the SDM855 raw transcript (several documents per read)', () => {
  const file = ['log-sdm855-ufs-qcedlnet', 'qcedlnet-sdm855-ufs-firehose-session.md'];

  it('splits each read into its documents, keeping the newline inside a log value', () => {
    const reads = sdm855Reads(realText(...file));
    const values: string[] = [];
    for (const read of reads) {
      const framer = new FirehoseFramer();
      framer.push(Buffer.from(read, 'utf8'));
      const expected = read.split('<?xml').length - 1;
      let got = 0;
      for (let doc = framer.nextDocument(); doc !== undefined; doc = framer.nextDocument()) {
        got++;
        for (const m of parseDeviceDocument(doc)) if (m.kind === 'log') values.push(m.value);
      }
      expect(got).toBe(expected);
      expect(framer.buffered).toBe(0);
    }
    expect(values).toContain('INFO: Binary build date: Aug 12 2020 @ 02:06:09\n');
    expect(values).toContain('INFO: End of supported functions 15');
    const json = values.find((v) => v.startsWith('INFO: {"storage_info"'));
    expect(JSON.parse(json?.slice('INFO: '.length) ?? 'null')).toMatchObject({
      storage_info: { total_blocks: 30119936, block_size: 4096, mem_type: 'UFS' },
    });
  });

  it('gives the same documents whatever the transfer boundaries', () => {
    const all = sdm855Reads(realText(...file)).join('');
    const whole = new FirehoseFramer();
    whole.push(Buffer.from(all));
    const expected: string[] = [];
    for (let d = whole.nextDocument(); d !== undefined; d = whole.nextDocument()) expected.push(d);
    for (const size of [1, 7, 64, 512]) {
      const framer = new FirehoseFramer();
      const got: string[] = [];
      const bytes = Buffer.from(all);
      for (let at = 0; at < bytes.length; at += size) {
        framer.push(bytes.subarray(at, at + size));
        for (let d = framer.nextDocument(); d !== undefined; d = framer.nextDocument()) got.push(d);
      }
      expect(got).toEqual(expected);
    }
    expect(expected.length).toBeGreaterThan(40);
  });
});
