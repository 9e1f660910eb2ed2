import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  buildDocument,
  configureCommand,
  eraseCommand,
  FirehoseFramer,
  nopCommand,
  parseDocument,
  parseDeviceDocument,
  patchCommand,
  powerCommand,
  programCommand,
  readCommand,
  setBootableStorageDriveCommand,
  sha256DigestCommand,
  storageInfoCommand,
  verbatimEraseCommand,
} from '../../src/firehose/index.js';
import { FirehoseXmlError, QfhError } from '../../src/errors.js';

const strip = (s: string): string => s.replace(/\s+/g, ' ').replace(/ ?\/>/, ' />');

describe('Firehose command builders: attributes in the order real hosts send them', () => {
  it('builds configure exactly as QFirehose sends it to a NAND modem (GC session log)', () => {
    const doc = buildDocument([
      configureCommand({ memoryName: 'nand', maxPayloadSizeToTargetInBytes: 8192 }),
    ]);
    expect(doc).toBe(
      '<?xml version="1.0" encoding="UTF-8" ?><data>' +
        strip(
          '<configure MemoryName="nand" Verbose="0" AlwaysValidate="0" MaxDigestTableSizeInBytes="2048" MaxPayloadSizeToTargetInBytes="8192"  ZlpAwareHost="1" SkipStorageInit="0" />',
        ) +
        '</data>',
    );
  });

  it('builds program with Quectel NAND attribute order (GC session log line)', () => {
    const el = programCommand({
      pagesPerBlock: 64,
      sectorSizeInBytes: 2048,
      filename: '..\\tz.mbn',
      numPartitionSectors: 258,
      physicalPartitionNumber: 0,
      startSector: 11904,
    });
    const logged =
      '<program PAGES_PER_BLOCK="64" SECTOR_SIZE_IN_BYTES="2048" filename="..\\tz.mbn" num_partition_sectors="258" physical_partition_number="0" start_sector="11904"/>';
    expect(el.attributes).toEqual(parseDocument(`<data>${logged}</data>`)[0]?.attributes);
  });

  it('passes extra attributes through in order and replaces known ones in place', () => {
    const el = readCommand({
      sectorSizeInBytes: 4096,
      numPartitionSectors: 6n,
      startSector: 'NUM_DISK_SECTORS-6.',
      physicalPartitionNumber: 4,
      extra: [
        ['zeta', '1'],
        ['alpha', '2'],
        ['SECTOR_SIZE_IN_BYTES', '512'],
      ],
    });
    expect(el.attributes).toEqual([
      ['SECTOR_SIZE_IN_BYTES', '512'],
      ['num_partition_sectors', '6'],
      ['physical_partition_number', '4'],
      ['start_sector', 'NUM_DISK_SECTORS-6.'],
      ['zeta', '1'],
      ['alpha', '2'],
    ]);
  });

  it('forwards a Quectel vendor erase verbatim (captures.md §2.2 item 7)', () => {
    const attrs = [
      ['c_project_name', 'EM061KGL'],
      ['a_rawdata_start_sector', '13952'],
      ['d_project_type', 'STD'],
      ['vendor', 'quectel'],
      ['b_rawdata_num_sector', '512'],
    ] as const;
    expect(buildDocument([verbatimEraseCommand(attrs)])).toBe(
      '<?xml version="1.0" encoding="UTF-8" ?><data><erase c_project_name="EM061KGL" a_rawdata_start_sector="13952" d_project_type="STD" vendor="quectel" b_rawdata_num_sector="512" /></data>',
    );
  });

  it('refuses an erase with no attributes (a whole-device wipe)', () => {
    expect(() => verbatimEraseCommand([])).toThrow(FirehoseXmlError);
  });
});

describe('Firehose command builders: the remaining commands, escaping and names', () => {
  it('builds the remaining commands', () => {
    const docs = [
      eraseCommand({
        sectorSizeInBytes: 2048,
        numPartitionSectors: 640,
        startSector: 0,
        pagesPerBlock: 64,
      }),
      patchCommand({
        sectorSizeInBytes: 512,
        byteOffset: 32,
        filename: 'DISK',
        physicalPartitionNumber: 0,
        sizeInBytes: 8,
        startSector: 1,
        value: 'NUM_DISK_SECTORS-1.',
        what: 'Update Primary Header with BackupGPT Header Location.',
      }),
      sha256DigestCommand({ sectorSizeInBytes: 512, numPartitionSectors: 34, startSector: 0 }),
      storageInfoCommand({ physicalPartitionNumber: 2 }),
      nopCommand(),
      powerCommand({ value: 'reset', delayInSeconds: 10 }),
      setBootableStorageDriveCommand({ value: 1 }),
    ].map((e) => buildDocument([e]));
    expect(
      docs.map((d) => d.slice('<?xml version="1.0" encoding="UTF-8" ?><data>'.length)),
    ).toEqual([
      '<erase PAGES_PER_BLOCK="64" SECTOR_SIZE_IN_BYTES="2048" num_partition_sectors="640" physical_partition_number="0" start_sector="0" /></data>',
      '<patch SECTOR_SIZE_IN_BYTES="512" byte_offset="32" filename="DISK" physical_partition_number="0" size_in_bytes="8" start_sector="1" value="NUM_DISK_SECTORS-1." what="Update Primary Header with BackupGPT Header Location." /></data>',
      '<getsha256digest SECTOR_SIZE_IN_BYTES="512" num_partition_sectors="34" physical_partition_number="0" start_sector="0" /></data>',
      '<getstorageinfo physical_partition_number="2" /></data>',
      '<nop /></data>',
      '<power DelayInSeconds="10" value="reset" /></data>',
      '<setbootablestoragedrive value="1" /></data>',
    ]);
  });

  it('escapes values so that any text round-trips through the parser', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        // XML cannot carry control characters or lone surrogates; everything else must survive.
        const clean = [...value]
          .filter((c) => {
            const n = c.codePointAt(0) ?? 0;
            return (
              (n >= 0x20 || n === 0x09 || n === 0x0a) &&
              !(n >= 0xd800 && n <= 0xdfff) &&
              n !== 0xfffe &&
              n !== 0xffff
            );
          })
          .join('');
        const [el] = parseDocument(
          buildDocument([{ tag: 'log', attributes: [['value', clean]] }], 'device'),
        );
        expect(el?.attributes).toEqual([['value', clean]]);
      }),
    );
  });

  it('rejects element and attribute names that would break the document', () => {
    expect(() => buildDocument([{ tag: 'a b', attributes: [] }])).toThrow(FirehoseXmlError);
    expect(() => buildDocument([{ tag: 'nop', attributes: [['x="1" y', '2']] }])).toThrow(
      FirehoseXmlError,
    );
  });
});

describe('device documents', () => {
  it('parses a NAK with its logs in order', () => {
    const doc =
      '<?xml version="1.0" encoding="UTF-8" ?>\n<data>\n<log value="ERROR: start_sector unaligned" />\n<response value="NAK" rawmode="false" /></data>';
    expect(parseDeviceDocument(doc)).toEqual([
      { kind: 'log', value: 'ERROR: start_sector unaligned' },
      {
        kind: 'response',
        value: 'NAK',
        rawMode: false,
        attributes: [
          ['value', 'NAK'],
          ['rawmode', 'false'],
        ],
      },
    ]);
  });

  it.each([
    [
      'unclosed tag',
      '<?xml version="1.0" ?><data><response value="ACK" </data>',
      'QFH_FIREHOSE_XML_MALFORMED',
    ],
    [
      'duplicate attribute',
      '<data><response value="ACK" value="NAK" /></data>',
      'QFH_FIREHOSE_XML_MALFORMED',
    ],
    ['no data root', '<?xml version="1.0" ?><response value="ACK" />', 'QFH_FIREHOSE_XML_NO_DATA'],
  ])('rejects %s', (_name, doc, code) => {
    expect(() => parseDocument(doc)).toThrow(expect.objectContaining({ code }));
  });
});

describe('framer', () => {
  const doc =
    '<?xml version="1.0" encoding="UTF-8" ?>\n<data>\n<response value="ACK" rawmode="true" /></data>';

  it('returns a document followed by raw bytes, then the raw bytes', () => {
    const framer = new FirehoseFramer();
    framer.push(Buffer.concat([Buffer.from(doc), Buffer.from([0xde, 0xad, 0xbe, 0xef])]));
    expect(framer.nextDocument()).toBe(doc);
    expect(framer.takeRaw(3)).toEqual(Uint8Array.from([0xde, 0xad, 0xbe]));
    expect(framer.takeRaw(100)).toEqual(Uint8Array.from([0xef]));
    expect(framer.takeRaw(100)).toBeUndefined();
  });

  it('waits for the rest of half a document and ignores ZLPs', () => {
    const framer = new FirehoseFramer();
    framer.push(Buffer.from(doc.slice(0, 30)));
    framer.push(new Uint8Array(0));
    expect(framer.nextDocument()).toBeUndefined();
    framer.push(Buffer.from(doc.slice(30) + '\r\n'));
    expect(framer.nextDocument()).toBe(doc);
    expect(framer.nextDocument()).toBeUndefined();
    expect(framer.buffered).toBe(0);
  });

  it('does not keep a reference to the pushed buffer', () => {
    const framer = new FirehoseFramer();
    const chunk = Buffer.from(doc);
    framer.push(chunk);
    chunk.fill(0);
    expect(framer.nextDocument()).toBe(doc);
  });

  it('names Sahara bytes when the programmer is not running', () => {
    const framer = new FirehoseFramer();
    framer.push(Buffer.from('010000003000000002000000010000000004000000000000', 'hex'));
    expect(() => framer.nextDocument()).toThrow(/Sahara packet/);
  });

  it('bounds memory on a document that never ends, and resyncs after garbage', () => {
    const framer = new FirehoseFramer({ maxDocumentBytes: 100 });
    framer.push(Buffer.from('<data>' + 'x'.repeat(200)));
    expect(() => framer.nextDocument()).toThrow(
      expect.objectContaining({ code: 'QFH_FIREHOSE_XML_TOO_LARGE' }),
    );
    const g = new FirehoseFramer();
    g.push(Buffer.concat([Buffer.from([1, 2, 3]), Buffer.from(doc)]));
    expect(() => g.nextDocument()).toThrow(FirehoseXmlError);
    expect(g.resync()).toBe(3);
    expect(g.nextDocument()).toBe(doc);
  });

  it('never crashes on random bytes: documents, waiting, or a QfhError', () => {
    const piece = fc.oneof(
      fc.uint8Array({ maxLength: 40 }),
      fc.constantFrom(
        ...[doc, '</data>', '<data>', '<?xml', '<log value="a" />'].map((s) => Buffer.from(s)),
      ),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (pieces) => {
        const framer = new FirehoseFramer({ maxDocumentBytes: 256 });
        try {
          for (const p of pieces) {
            framer.push(p);
            for (let d = framer.nextDocument(); d !== undefined; d = framer.nextDocument())
              parseDeviceDocument(d);
          }
        } catch (e) {
          expect(e).toBeInstanceOf(QfhError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
