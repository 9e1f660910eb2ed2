/**
 * Lenient readers for rawprogram*.xml and patch*.xml (pure: text in, entries out).
 * Survives what real packages do (research/captures.md §2.2): a BOM, mixed CRLF/LF,
 * Windows `..\file` paths, missing labels, `filename=""`, attributes in any order,
 * unknown and vendor attributes (kept verbatim and in order), `last_sector`, an empty
 * `<patches>`. Numeric attributes that are expressions are parsed, not evaluated.
 *
 * @module
 */
import { PackageError } from '../errors.js';
import {
  attributeValue,
  parseXmlElements,
  type Attribute,
  type XmlElement,
} from '../xml-elements.js';
import { parseExpression, type Expr } from './expression.js';

/** An attribute value that may be an expression (`NUM_DISK_SECTORS-33.`). */
export interface ExprValue {
  /** Verbatim text. */
  readonly text: string;
  readonly expr: Expr;
}

/** One `<program>`, `<erase>` or other command line of a rawprogram file. */
export interface ProgramListEntry {
  /** `program`, `erase`, `read`, `zeroout`, ... exactly as written. */
  readonly tag: string;
  /** 0-based position among the file's command elements. */
  readonly index: number;
  /** Every attribute, verbatim and in file order. */
  readonly attributes: readonly Attribute[];
  readonly sectorSize: number | undefined;
  /** NAND pages per erase block, when given. */
  readonly pagesPerBlock: number | undefined;
  /** `undefined` when the attribute is absent; `''` for the placeholder entries real packages carry. */
  readonly filename: string | undefined;
  readonly label: string | undefined;
  readonly physicalPartition: number;
  readonly startSector: ExprValue | undefined;
  readonly numSectors: ExprValue | undefined;
  readonly fileSectorOffset: bigint;
  readonly sparse: boolean;
  /** True for Quectel `vendor="..."` lines, which must be forwarded verbatim. */
  readonly vendor: string | undefined;
}

/** Geometry a Quectel rawprogram states in its header comments. */
export interface ProgramListComments {
  readonly blockSizeKiB?: number;
  readonly pageSizeKiB?: number;
  readonly numPartitionSectors?: number;
}

/** A parsed rawprogram file. */
export interface ProgramList {
  readonly entries: readonly ProgramListEntry[];
  readonly comments: ProgramListComments;
}

/** One `<patch>`. */
export interface PatchEntry {
  readonly index: number;
  readonly attributes: readonly Attribute[];
  readonly sectorSize: number;
  readonly byteOffset: number;
  /** `DISK` for a device-side patch, else a package file (e.g. `gpt_main0.bin`). */
  readonly filename: string;
  readonly physicalPartition: number;
  readonly sizeInBytes: number;
  readonly startSector: ExprValue;
  readonly value: ExprValue;
  readonly what: string | undefined;
}

function xmlOrThrow(text: string, file: string): XmlElement[] {
  const parsed = parseXmlElements(text);
  if ('problem' in parsed) {
    const { message, line, column } = parsed.problem;
    throw new PackageError(
      'QFH_PACKAGE_XML',
      `${file}: not well-formed XML at ${line}:${column}: ${message}`,
    );
  }
  return parsed.elements;
}

function expr(text: string | undefined, what: string, file: string): ExprValue | undefined {
  if (text === undefined) return undefined;
  try {
    return { text, expr: parseExpression(text) };
  } catch (e) {
    throw new PackageError(
      'QFH_PACKAGE_XML',
      `${file}: ${what}="${text}": ${(e as Error).message}`,
      { cause: e },
    );
  }
}

function int(text: string | undefined, what: string, file: string): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  if (!/^\s*\d+\.?\s*$/.test(text))
    throw new PackageError('QFH_PACKAGE_XML', `${file}: ${what}="${text}" is not a whole number`);
  return Number.parseInt(text, 10);
}

function comments(text: string): ProgramListComments {
  const out: { blockSizeKiB?: number; pageSizeKiB?: number; numPartitionSectors?: number } = {};
  for (const m of text.matchAll(
    /<!--\s*(BlockSize|PageSize|NUM_PARTITION_SECTORS)\s*=\s*(\d+)\s*(?:KB)?\s*-->/g,
  )) {
    const n = Number(m[2]);
    if (m[1] === 'BlockSize') out.blockSizeKiB = n;
    else if (m[1] === 'PageSize') out.pageSizeKiB = n;
    else out.numPartitionSectors = n;
  }
  return out;
}

/**
 * Parses a rawprogram file. The root is normally `<data>`; every child element is an entry.
 * @param file name used in messages
 */
export function parseProgramList(text: string, file = 'rawprogram.xml'): ProgramList {
  const root = xmlOrThrow(text, file).find((e) => e.tag === 'data');
  if (!root)
    throw new PackageError(
      'QFH_PACKAGE_XML',
      `${file}: no <data> root element (is this a rawprogram file?)`,
    );
  const entries = root.children.map((el, index): ProgramListEntry => {
    const a = el.attributes;
    const get = (n: string): string | undefined => attributeValue(a, n);
    return {
      tag: el.tag,
      index,
      attributes: a,
      sectorSize: int(get('SECTOR_SIZE_IN_BYTES'), 'SECTOR_SIZE_IN_BYTES', file),
      pagesPerBlock: int(get('PAGES_PER_BLOCK'), 'PAGES_PER_BLOCK', file),
      filename: get('filename'),
      label: get('label'),
      physicalPartition:
        int(get('physical_partition_number'), 'physical_partition_number', file) ?? 0,
      startSector: expr(get('start_sector'), 'start_sector', file),
      numSectors: expr(get('num_partition_sectors'), 'num_partition_sectors', file),
      fileSectorOffset: BigInt(int(get('file_sector_offset'), 'file_sector_offset', file) ?? 0),
      sparse: (get('sparse') ?? '').toLowerCase() === 'true',
      vendor: get('vendor'),
    };
  });
  return { entries, comments: comments(text) };
}

/** Parses a patch file (`<patches>` root; an empty one means no patches). */
export function parsePatchList(text: string, file = 'patch.xml'): PatchEntry[] {
  const root = xmlOrThrow(text, file).find((e) => e.tag === 'patches' || e.tag === 'data');
  if (!root)
    throw new PackageError(
      'QFH_PACKAGE_XML',
      `${file}: no <patches> root element (is this a patch file?)`,
    );
  return root.children
    .filter((el) => el.tag === 'patch')
    .map((el, index): PatchEntry => {
      const a = el.attributes;
      const get = (n: string): string | undefined => attributeValue(a, n);
      const required = <T>(v: T | undefined, n: string): T => {
        if (v === undefined)
          throw new PackageError(
            'QFH_PACKAGE_XML',
            `${file}: <patch> number ${index + 1} has no ${n}`,
          );
        return v;
      };
      return {
        index,
        attributes: a,
        sectorSize: required(
          int(get('SECTOR_SIZE_IN_BYTES'), 'SECTOR_SIZE_IN_BYTES', file),
          'SECTOR_SIZE_IN_BYTES',
        ),
        byteOffset: required(int(get('byte_offset'), 'byte_offset', file), 'byte_offset'),
        filename: required(get('filename'), 'filename'),
        physicalPartition:
          int(get('physical_partition_number'), 'physical_partition_number', file) ?? 0,
        sizeInBytes: required(int(get('size_in_bytes'), 'size_in_bytes', file), 'size_in_bytes'),
        startSector: required(expr(get('start_sector'), 'start_sector', file), 'start_sector'),
        value: required(expr(get('value'), 'value', file), 'value'),
        what: get('what'),
      };
    });
}
