/**
 * `qfh inspect` on one file (or a hex string): recognises the format by content, not by
 * name, and reports what qfh understands of it.
 *
 * @module
 */
import { open, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { UsageError } from '../../errors.js';
import {
  decodeSaharaPacket,
  isElf,
  parseElf,
  peekSaharaHeader,
  qcomSegmentType,
  SAHARA_COMMANDS,
  type SaharaPacket,
} from '../../sahara/index.js';
import { indexSparseImage, isSparseImage, openRandomAccess } from '../../sparse/index.js';
import {
  isMibib,
  locateGptHeader,
  md5File,
  parseGpt,
  parseMd5Manifest,
  parseMibib,
} from '../../package/index.js';
import { inspectSessionFile } from './inspect-session.js';
import { xmlReport } from './inspect-xml.js';

/** The first `n` bytes of a file (fewer if it is shorter). */
async function readHead(path: string, n: number): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(n);
    const { bytesRead } = await handle.read(buffer, 0, n, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** What `inspect` reports: a kind, a JSON-able structure, and human lines. */
export interface InspectReport {
  readonly kind: string;
  readonly input: string;
  readonly data: unknown;
  readonly text: readonly string[];
}

const HEAD_LIMIT = 16 << 20;
const hex32 = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;

/** Inspects a file path, or a hex string of Sahara packet bytes. */
export async function inspectFile(input: string): Promise<InspectReport> {
  const info = await stat(input).catch(() => undefined);
  if (!info) {
    const compact = input.replace(/[\s:]/g, '');
    if (/^(?:[0-9a-fA-F]{2})+$/.test(compact))
      return saharaReport(input, Buffer.from(compact, 'hex'));
    throw new UsageError(
      'QFH_INPUT_UNREADABLE',
      `${input}: no such file or folder, and not a hex string`,
    );
  }
  const size = info.size;
  const head =
    size <= HEAD_LIMIT ? await readFile(input) : Buffer.from(await readHead(input, 1 << 16));
  const session = await inspectSessionFile(input, head, size);
  if (session) return session;
  if (isSparseImage(head)) return sparseReport(input);
  if (isElf(head)) return elfReport(input, head, size);
  if (isMibib(head)) return mibibReport(input, head);
  if (locateGptHeader(head)) return gptReport(input, head);
  const header = peekSaharaHeader(head);
  if (
    header &&
    SAHARA_COMMANDS.has(header.command) &&
    header.length <= head.length &&
    header.length >= 8
  )
    return saharaReport(input, head);
  const text = head.toString('utf8');
  const trimmed = text.replace(/^\ufeff/, '').trimStart();
  if (trimmed.startsWith('<')) return xmlReport(input, text);
  if (/^\s*(?:VERSION:|FILE:|[0-9a-fA-F]{32} [ *])/.test(trimmed)) return md5Report(input, text);
  const compact = text.replace(/[\s:]/g, '');
  if (compact.length > 0 && /^(?:[0-9a-fA-F]{2})+$/.test(compact))
    return saharaReport(input, Buffer.from(compact, 'hex'));
  if (size <= HEAD_LIMIT && isText(head)) return textReport(input, text);
  return rawReport(input, size);
}

function isText(bytes: Uint8Array): boolean {
  return !bytes.subarray(0, 8192).includes(0) && Buffer.from(bytes).toString('utf8').includes('\n');
}

/** Session logs and transcripts: the Firehose device lines and documents they quote. */
function textReport(input: string, text: string): InspectReport {
  const lines = text.split(/\r?\n/);
  const deviceLines = lines.filter((l) => /<(?:log|response)\b[^>]*\/>/.test(l)).length;
  const documents = (text.match(/<\?xml[^>]*\?>/g) ?? []).length;
  const readData = lines.filter((l) => /0x0000000d 0x[0-9a-f]{8} 0x[0-9a-f]{8}/.test(l)).length;
  return {
    kind: 'text',
    input,
    data: {
      lines: lines.length,
      firehoseDeviceLines: deviceLines,
      xmlDocuments: documents,
      saharaReadDataLines: readData,
    },
    text: [
      `text ${input}: ${lines.length} lines; quotes ${deviceLines} Firehose device lines, ${documents} XML documents, ${readData} Sahara READ_DATA triples`,
    ],
  };
}

/** Anything else: a raw image, described by size and digests. */
async function rawReport(input: string, size: number): Promise<InspectReport> {
  const md5 = await md5File(input);
  return {
    kind: 'raw',
    input,
    data: { size, md5 },
    text: [
      `raw data ${input}: ${size} bytes, md5 ${md5} (not a format qfh decodes; flashable as a raw image)`,
    ],
  };
}

async function sparseReport(input: string): Promise<InspectReport> {
  const source = await openRandomAccess(input);
  try {
    const index = await indexSparseImage(source);
    const { header } = index;
    const counts = new Map<string, number>();
    for (const e of index.entries) counts.set(e.kind, (counts.get(e.kind) ?? 0) + 1);
    const text = [
      `Android sparse image ${input}`,
      `  version ${header.majorVersion}.${header.minorVersion}, block size ${header.blockSize}, ${header.totalBlocks} blocks in ${header.totalChunks} chunks`,
      `  expands to ${index.expandedSize} bytes; chunks: ${[...counts].map(([k, n]) => `${n} ${k}`).join(', ')}${index.trailingBytes ? `; ${index.trailingBytes} trailing bytes` : ''}`,
      ...index.entries
        .slice(0, 40)
        .map(
          (e) =>
            `    ${e.kind.padEnd(5)} out ${e.outputOffset}${'length' in e ? ` +${e.length}` : ''}${e.kind === 'fill' ? ` pattern ${Buffer.from(e.pattern).toString('hex')}` : ''}${e.kind === 'crc32' ? ` ${hex32(e.value)}` : ''}`,
        ),
      ...(index.entries.length > 40 ? [`    … ${index.entries.length - 40} more`] : []),
    ];
    return { kind: 'sparse', input, data: index, text };
  } finally {
    await source.close();
  }
}

function elfReport(input: string, head: Buffer, size: number): InspectReport {
  const elf = parseElf(head);
  const hash = elf.programHeaders.filter((p) => qcomSegmentType(p.flags) === 2);
  const text = [
    `ELF${elf.bits} image ${input} (${size} bytes): machine ${elf.machine}, entry ${hex32(elf.entry)}`,
    `  ${elf.programHeaders.length} program headers${hash.length ? `, hash segment at ${hash[0]?.offset} (${hash[0]?.fileSize} bytes)` : ', no hash segment'}`,
    ...elf.programHeaders.map(
      (p, i) =>
        `    [${i}] type ${p.type} offset ${p.offset} filesz ${p.fileSize} vaddr ${hex32(p.virtualAddress)} flags ${hex32(p.flags)}`,
    ),
  ];
  return { kind: 'elf', input, data: { ...elf, size, hashSegments: hash.length }, text };
}

function mibibReport(input: string, bytes: Buffer): InspectReport {
  const m = parseMibib(bytes);
  const text = [
    `NAND partition table (MIBIB) ${input}: ${m.pageSize}-byte pages, ${m.partitions.length} partitions`,
    m.checksum
      ? `  checksum ${hex32(m.checksum.stored)} stored, ${hex32(m.checksum.computed)} computed: ${m.checksum.matches ? 'matches' : 'MISMATCH'}`
      : '  no checksum page',
    ...m.partitions.map(
      (p) =>
        `    ${p.name.padEnd(16)} blocks ${String(p.offsetBlocks).padStart(6)} +${p.lengthBlocks}`,
    ),
  ];
  return { kind: 'mibib', input, data: m, text };
}

function gptReport(input: string, bytes: Buffer): InspectReport {
  const g = parseGpt(bytes);
  const ok = (a: number, b: number): string => (a === b ? 'ok' : `MISMATCH (computed ${hex32(b)})`);
  const text = [
    `${g.kind} GPT ${input}: ${g.sectorSize}-byte sectors, header at byte ${g.headerOffset}, ${g.partitions.length} partitions`,
    `  header CRC ${hex32(g.header.headerCrc)} ${ok(g.header.headerCrc, g.headerCrcComputed)}; entries CRC ${hex32(g.header.entriesCrc)} ${ok(g.header.entriesCrc, g.entriesCrcComputed)}`,
    `  my LBA ${g.header.myLba}, alternate ${g.header.alternateLba}, usable ${g.header.firstUsableLba}..${g.header.lastUsableLba}${g.header.alternateLba === 0n ? ' (placeholders: the patch file fills them)' : ''}`,
    ...g.partitions.map((p) => `    ${p.name.padEnd(20)} ${p.firstLba}..${p.lastLba}`),
  ];
  return { kind: 'gpt', input, data: g, text };
}

function saharaReport(input: string, bytes: Uint8Array): InspectReport {
  const packets: SaharaPacket[] = [];
  let at = 0;
  while (at < bytes.length) {
    const rest = bytes.subarray(at);
    const packet = decodeSaharaPacket(rest);
    packets.push(packet);
    at += peekSaharaHeader(rest)?.length ?? rest.length;
  }
  const text = [
    `Sahara packets (${packets.length}) from ${input.length > 60 ? 'input' : input}`,
    ...packets.map(
      (p) =>
        `  ${JSON.stringify(p, (_k, v: unknown) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v))}`,
    ),
  ];
  return { kind: 'sahara', input, data: packets, text };
}

async function md5Report(input: string, text: string): Promise<InspectReport> {
  const manifest = parseMd5Manifest(text, input);
  const base = dirname(input);
  const checks = await Promise.all(
    manifest.entries.map(async (e) => {
      const actual = await md5File(join(base, e.path)).catch(() => undefined);
      return {
        ...e,
        actual,
        status: actual === undefined ? 'absent' : actual === e.md5 ? 'ok' : 'mismatch',
      };
    }),
  );
  const count = (s: string): number => checks.filter((c) => c.status === s).length;
  return {
    kind: 'md5',
    input,
    data: { format: manifest.format, version: manifest.version, entries: checks },
    text: [
      `${manifest.format} md5 manifest ${input}: ${checks.length} files; beside it: ${count('ok')} ok, ${count('mismatch')} mismatch, ${count('absent')} absent`,
      ...checks.map((c) => `    ${c.status.padEnd(8)} ${c.md5} ${c.path}`),
    ],
  };
}
