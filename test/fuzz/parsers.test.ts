/**
 * Every public parser, fed random and mutated input: it returns, or throws a QfhError (the
 * typed failure a user gets with a hint). Anything else (a RangeError, a stack overflow, a
 * read past the end of a view) is a bug. `npm run fuzz` runs the same with many more cases.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  convertQFirehoseLog,
  importUsbmon,
  parseConfiguration,
  parseDebugBundle,
  parseDeviceDescriptor,
  readCapture,
  readPacketFile,
} from '../../src/capture/index.js';
import { QfhError } from '../../src/errors.js';
import { parseStorageInfo } from '../../src/firehose/storage-info.js';
import { readFunctionList } from '../../src/firehose/banner.js';
import { parseDeviceDocument } from '../../src/firehose/index.js';
import {
  evaluateExpression,
  parseContentsManifest,
  parseExpression,
  parseGpt,
  parseMd5Manifest,
  parseMibib,
  parsePatchList,
  parseProgramList,
} from '../../src/package/index.js';
import { parseFirmwareIdentity } from '../../src/quectel-revision.js';
import { decodeSaharaPacket, encodeSaharaPacket, parseElf } from '../../src/sahara/index.js';
import { buildMibib, buildTestProgrammer, EG25G_PARTITIONS } from '../../src/sim/index.js';
import { encodeSparse, expandSparse, indexSparseImage } from '../../src/sparse/index.js';
import { parseTimeoutOverrides } from '../../src/timeouts.js';
import { parseRelayAddress, parseRelayStatus } from '../../src/transport/relay-client.js';
import { parseDeviceSpec } from '../../src/transport/select-device.js';
import { bytesOf, md5Txt } from '../helpers/package-dir.js';
import { realAvailable, realBytes } from '../helpers/real.js';
import { bytesAround, RUNS, textAround } from './fuzz-inputs.js';

async function* once(b: Uint8Array): AsyncGenerator<Uint8Array> {
  yield b;
}

function typedOrNothing(run: () => unknown): void {
  try {
    run();
  } catch (e) {
    if (!(e instanceof QfhError)) throw e;
  }
}

/** What `parse` made of `b`: its result, or the code of its QfhError. */
function outcome(parse: (b: Uint8Array) => unknown, b: Uint8Array): unknown {
  try {
    return parse(b);
  } catch (e) {
    if (!(e instanceof QfhError)) throw e;
    return e.code;
  }
}

/**
 * Random and mutated bytes, and the sample cut at every length: a result or a QfhError; and
 * a view into a larger buffer parses exactly as a copy of it (nothing read past its end).
 */
function fuzzBytes(sample: Uint8Array, parse: (b: Uint8Array) => unknown): void {
  fc.assert(
    fc.property(bytesAround(sample), (b) => typedOrNothing(() => parse(b))),
    {
      numRuns: RUNS,
    },
  );
  const parent = new Uint8Array(sample.length + 4096).fill(0xa5);
  parent.set(sample);
  for (let length = 0; length <= sample.length; length += length < 4200 ? 1 : 97) {
    const view = parent.subarray(0, length);
    expect(outcome(parse, view)).toEqual(outcome(parse, Uint8Array.from(view)));
  }
}

const fuzzText = (sample: string, alphabet: string, parse: (t: string) => unknown): void =>
  fc.assert(
    fc.property(textAround(sample, alphabet), (t) => typedOrNothing(() => parse(t))),
    {
      numRuns: RUNS,
    },
  );

const XML = '<>/="\' abcdefgilmnoprstuvxyzABCDEFGIKLMNOPRSTUVXYZ_0123456789.-+*()&;!?\n';
const RAWPROGRAM = `<?xml version="1.0" ?>
<data>
  <program SECTOR_SIZE_IN_BYTES="512" file_sector_offset="0" filename="boot.img" label="boot" num_partition_sectors="2048" physical_partition_number="0" sparse="false" start_sector="NUM_DISK_SECTORS-2081." />
  <erase PAGES_PER_BLOCK="64" SECTOR_SIZE_IN_BYTES="2048" num_partition_sectors="640" physical_partition_number="0" start_sector="0"/>
</data>`;
const PATCH = `<?xml version="1.0" ?>
<patches>
  <patch SECTOR_SIZE_IN_BYTES="512" byte_offset="88" filename="DISK" physical_partition_number="0" size_in_bytes="4" start_sector="NUM_DISK_SECTORS-1." value="CRC32(NUM_DISK_SECTORS-33.,4096)" what="CRC" />
</patches>`;
const CONTENTS = `<contents><product_info><product_name>EG25G</product_name></product_info><builds_flat><build><name>common</name><download_file fastboot_complete="x"><file_name>sbl1.mbn</file_name><file_path>update/</file_path></download_file></build></builds_flat></contents>`;
const DEVICE_DOC = `<?xml version="1.0" encoding="UTF-8" ?><data><log value="INFO: Calling handler for configure" /><response value="ACK" MaxPayloadSizeToTargetInBytes="1048576" rawmode="false" /></data>`;

describe('text parsers on mutated input: a result or a QfhError', () => {
  it('rawprogram and patch lists', () => {
    fuzzText(RAWPROGRAM, XML, (t) => parseProgramList(t));
    fuzzText(PATCH, XML, (t) => parsePatchList(t));
  });
  it('md5.txt, contents.xml', () => {
    fuzzText(md5Txt({ 'update/sbl1.mbn': 'x', 'a\\b.img': 'y' }), 'FILE:\\/.abcdef0123\r\n', (t) =>
      parseMd5Manifest(t),
    );
    fuzzText(CONTENTS, XML, (t) => parseContentsManifest(t));
  });
  it('expressions, parsed and evaluated, however deep', () => {
    fuzzText(
      'CRC32(NUM_DISK_SECTORS-33.,92)+0x10*(2/1)',
      '()+-*/,.0123456789xNUM_DISKSECTOR',
      (t) =>
        evaluateExpression(parseExpression(t), { NUM_DISK_SECTORS: 1000n, NUM_DISK_BLOCKS: 10n }),
    );
  });
  it('Firehose documents, the function list, storage info', () => {
    fuzzText(DEVICE_DOC, XML, (t) => parseDeviceDocument(t));
    fuzzText(
      'INFO: Supported Functions: program read nop',
      'INFO:Supported Functions prgmadn ',
      (t) => readFunctionList(t.split(' ')),
    );
    fuzzText(
      '{"storage_info": {"total_blocks": 2048, "block_size": 131072}}',
      '{}":,0123 abc_',
      (t) => parseStorageInfo([t]),
    );
  });
  it('command-line values: --device, --relay, --timeout, firmware names', () => {
    fuzzText('tcp://127.0.0.1:9008', 'tcpusbsim:/.0123456789-_[]', (t) => parseDeviceSpec(t));
    fuzzText('tok@router.lan:9009', 'abc.:0123[]@', (t) => parseRelayAddress(t));
    fuzzText('qfh-relay 2 ready ttyUSB0', 'qfh-relay 2 ready', (t) => parseRelayStatus(t));
    fuzzText('command=1000', 'command=0123456789abc', (t) => parseTimeoutOverrides([t]));
    fuzzText('EG25GGBR07A08M2G_30.006.30.006', 'EG25GBR0178M_.', (t) => parseFirmwareIdentity(t));
  });
  it('capture texts: recordings, QFirehose logs, debug bundles', () => {
    fuzzText('# qfh capture\n> 01000000\n< 02000000\n', '#<> 0123456789abcdef\nqfh', (t) =>
      readCapture(t),
    );
    fuzzText('[000.001] sahara_rx: HELLO\n', '[]0123.:_ abcdefhlorstxHELO\n', (t) =>
      convertQFirehoseLog(t),
    );
    fuzzText('{"schema":"qfh-debug-bundle"}', '{}":,[]qfh-debug-bundleschema', (t) =>
      parseDebugBundle(t),
    );
  });
});

describe('binary parsers on mutated input, including views into larger buffers', () => {
  it('MIBIB, GPT, ELF', () => {
    fuzzBytes(buildMibib(EG25G_PARTITIONS), parseMibib);
    const gpt = realAvailable
      ? realBytes('android-emmc-oneplus-x-msm8974', 'gpt_main0.bin')
      : new Uint8Array(1024);
    fuzzBytes(gpt, parseGpt);
    fuzzBytes(buildTestProgrammer({ segmentSizes: [512], signatureBytes: 64 }), parseElf);
  });
  it('Sahara packets and USB descriptors', () => {
    const hello = encodeSaharaPacket({
      type: 'hello',
      version: 2,
      versionSupported: 1,
      maxCommandLength: 0x400,
      mode: 0,
      reserved: [0, 0, 0, 0, 0, 0],
    });
    fuzzBytes(hello, decodeSaharaPacket);
    const descriptor = Uint8Array.from([
      18, 1, 0, 2, 0, 0, 0, 64, 0xc6, 5, 8, 0x90, 0, 0, 1, 2, 3, 1,
    ]);
    fuzzBytes(descriptor, parseDeviceDescriptor);
    fuzzBytes(descriptor, parseConfiguration);
  });
  it('pcap / pcapng captures and usbmon', () => {
    const pcap = readFileSync(
      join(import.meta.dirname, '../../captures/usbmon/msm8953-emmc-zlp-exchange.pcap'),
    );
    fuzzBytes(pcap.subarray(0, 1500), readPacketFile);
    fuzzBytes(pcap.subarray(0, 1500), (b) => importUsbmon(b));
  });
  it('sparse images: header, index and expansion', async () => {
    const content = bytesOf(16 * 4096, 3);
    content.fill(0, 4096, 3 * 4096);
    const sparse = encodeSparse(content, { appendCrc: true, zeroAsDontCare: true });
    await fc.assert(
      fc.asyncProperty(bytesAround(sparse), async (b) => {
        const source = {
          size: b.length,
          read: async (p: number, n: number) => b.subarray(p, p + n),
        };
        await indexSparseImage(source).catch((e: unknown) => expect(e).toBeInstanceOf(QfhError));
        const expand = async (): Promise<void> => {
          for await (const extent of expandSparse(once(b))) void extent;
        };
        await expand().catch((e: unknown) => expect(e).toBeInstanceOf(QfhError));
      }),
      { numRuns: RUNS },
    );
  });
});
