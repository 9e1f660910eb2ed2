/**
 * Builders for every Firehose command qfh sends. Each returns a {@link FirehoseElement}
 * with attributes in the order real hosts send them; `extra` attributes are appended
 * verbatim and in order. Turn one into bytes with `encodeDocument([element])`.
 *
 * @module
 */
import { FirehoseXmlError } from '../errors.js';
import { withAttributes, type Attribute } from '../xml-elements.js';
import type { FirehoseElement } from './xml.js';

/** Attributes to pass through untouched after the known ones. */
export interface ExtraAttributes {
  /** Appended in order; an attribute that is already present is replaced in place. */
  extra?: readonly Attribute[];
}

const s = (n: number | bigint): string => n.toString();

function element(
  tag: string,
  known: readonly (Attribute | undefined)[],
  extra: readonly Attribute[] = [],
): FirehoseElement {
  const base = known.filter((a): a is Attribute => a !== undefined);
  return { tag, attributes: withAttributes(base, extra) };
}

/** `<configure>` options. */
export interface ConfigureOptions extends ExtraAttributes {
  /** `nand`, `eMMC`, `UFS`. */
  memoryName: string;
  maxPayloadSizeToTargetInBytes: number;
  /** @default 0 */
  verbose?: number;
  /** @default 0 */
  alwaysValidate?: number;
  /** @default 2048 */
  maxDigestTableSizeInBytes?: number;
  /** Tells the programmer the host ends transfers that are a multiple of the packet size with a ZLP. @default 1 */
  zlpAwareHost?: number;
  /** @default 0 */
  skipStorageInit?: number;
  /** Omitted unless set. */
  skipWrite?: number;
}

/** `<configure>`, attribute order as QFirehose sends it. */
export function configureCommand(o: ConfigureOptions): FirehoseElement {
  return element(
    'configure',
    [
      ['MemoryName', o.memoryName],
      ['Verbose', s(o.verbose ?? 0)],
      ['AlwaysValidate', s(o.alwaysValidate ?? 0)],
      ['MaxDigestTableSizeInBytes', s(o.maxDigestTableSizeInBytes ?? 2048)],
      ['MaxPayloadSizeToTargetInBytes', s(o.maxPayloadSizeToTargetInBytes)],
      ['ZlpAwareHost', s(o.zlpAwareHost ?? 1)],
      ['SkipStorageInit', s(o.skipStorageInit ?? 0)],
      o.skipWrite === undefined ? undefined : ['SkipWrite', s(o.skipWrite)],
    ],
    o.extra,
  );
}

/** A sector range on one physical partition (LUN). */
export interface SectorRange extends ExtraAttributes {
  sectorSizeInBytes: number;
  /** Decimal sector number, or an expression the programmer evaluates (`NUM_DISK_SECTORS-33.`). */
  startSector: number | bigint | string;
  numPartitionSectors: number | bigint;
  /** @default 0 */
  physicalPartitionNumber?: number;
  /** NAND only: pages per erase block. Sent first, as Quectel rawprograms order it. */
  pagesPerBlock?: number;
  /** Informational filename, as QFirehose sends it on `<program>`. */
  filename?: string;
  label?: string;
}

function rangeAttributes(o: SectorRange): (Attribute | undefined)[] {
  return [
    o.pagesPerBlock === undefined ? undefined : ['PAGES_PER_BLOCK', s(o.pagesPerBlock)],
    ['SECTOR_SIZE_IN_BYTES', s(o.sectorSizeInBytes)],
    o.filename === undefined ? undefined : ['filename', o.filename],
    o.label === undefined ? undefined : ['label', o.label],
    ['num_partition_sectors', s(o.numPartitionSectors)],
    ['physical_partition_number', s(o.physicalPartitionNumber ?? 0)],
    ['start_sector', typeof o.startSector === 'string' ? o.startSector : s(o.startSector)],
  ];
}

/** `<program>`: the programmer answers `rawmode="true"` and then takes sectors × size raw bytes. */
export function programCommand(o: SectorRange): FirehoseElement {
  return element('program', rangeAttributes(o), o.extra);
}

/** `<read>`: the programmer sends sectors × size raw bytes after `rawmode="true"`. */
export function readCommand(o: SectorRange): FirehoseElement {
  return element('read', rangeAttributes(o), o.extra);
}

/** `<getsha256digest>` over a sector range. */
export function sha256DigestCommand(o: SectorRange): FirehoseElement {
  return element('getsha256digest', rangeAttributes(o), o.extra);
}

/** `<erase>` of a sector range. */
export function eraseCommand(o: SectorRange): FirehoseElement {
  return element('erase', rangeAttributes(o), o.extra);
}

/**
 * An `<erase>` exactly as a package lists it (vendor lines such as Quectel's
 * `a_rawdata_start_sector`/`b_rawdata_num_sector` included).
 * @throws FirehoseXmlError for an erase with no attributes: programmers treat it as
 *   "erase the whole device" (fwupd issue #8382).
 */
export function verbatimEraseCommand(attributes: readonly Attribute[]): FirehoseElement {
  if (attributes.length === 0) {
    throw new FirehoseXmlError(
      'QFH_FIREHOSE_BAD_ATTRIBUTE',
      'refusing to build an <erase> with no attributes: it would erase the whole device',
      {
        hint: 'Check the rawprogram file: every <erase> must name the sectors it erases.',
      },
    );
  }
  return { tag: 'erase', attributes: attributes.map(([k, v]) => [k, v] as const) };
}

/** `<patch>` options. */
export interface PatchOptions extends ExtraAttributes {
  sectorSizeInBytes: number;
  byteOffset: number;
  /** `DISK` for a patch the programmer applies on the device. */
  filename: string;
  physicalPartitionNumber: number;
  sizeInBytes: number;
  startSector: string | number;
  /** Value or expression (`NUM_DISK_SECTORS-34.`, `CRC32(2,4096)`). */
  value: string;
  what?: string;
}

/** `<patch>`, attribute order as ptool writes it. */
export function patchCommand(o: PatchOptions): FirehoseElement {
  return element(
    'patch',
    [
      ['SECTOR_SIZE_IN_BYTES', s(o.sectorSizeInBytes)],
      ['byte_offset', s(o.byteOffset)],
      ['filename', o.filename],
      ['physical_partition_number', s(o.physicalPartitionNumber)],
      ['size_in_bytes', s(o.sizeInBytes)],
      ['start_sector', typeof o.startSector === 'string' ? o.startSector : s(o.startSector)],
      ['value', o.value],
      o.what === undefined ? undefined : ['what', o.what],
    ],
    o.extra,
  );
}

/** `<getstorageinfo>`: the answer comes as a JSON `<log>` line before the ACK. */
export function storageInfoCommand(
  o: { physicalPartitionNumber?: number } & ExtraAttributes = {},
): FirehoseElement {
  return element(
    'getstorageinfo',
    [['physical_partition_number', s(o.physicalPartitionNumber ?? 0)]],
    o.extra,
  );
}

/** `<nop>`: a liveness probe. */
export function nopCommand(o: ExtraAttributes = {}): FirehoseElement {
  return element('nop', [], o.extra);
}

/** `<power>`: `reset` (reboot into the new firmware) or `off`. */
export function powerCommand(
  o: { value: 'reset' | 'off' | 'reset_to_edl'; delayInSeconds?: number } & ExtraAttributes,
): FirehoseElement {
  return element(
    'power',
    [
      o.delayInSeconds === undefined ? undefined : ['DelayInSeconds', s(o.delayInSeconds)],
      ['value', o.value],
    ],
    o.extra,
  );
}

/** `<setbootablestoragedrive>`: which LUN the PBL boots from (UFS: 1 or 2; eMMC: 0). */
export function setBootableStorageDriveCommand(
  o: { value: number } & ExtraAttributes,
): FirehoseElement {
  return element('setbootablestoragedrive', [['value', s(o.value)]], o.extra);
}
