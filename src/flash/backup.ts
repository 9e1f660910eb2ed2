/**
 * `backup()`: reads a modem's partitions through Firehose into a folder that is itself a
 * flashable package (rawprogram, images, md5.txt, the programmer, and `backup.json` with
 * every partition's SHA-256), so `qfh flash BACKUP` puts them back on the same modem.
 * Partitions come from a package's layout (what an update would overwrite) or, on NAND,
 * from the modem's own partition table (the MIBIB at block 10).
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { join } from 'node:path';
import type { DeviceFacts } from '../device-facts.js';
import { WorkflowError } from '../errors.js';
import type { FirehoseClient } from '../firehose/client.js';
import type { SectorRange } from '../firehose/commands.js';
import { evaluateExpression } from '../package/expression.js';
import { parseMibib } from '../package/mibib.js';
import type { FirmwarePackage } from '../package/read-package.js';
import { openFirehoseSession } from '../session/node-session.js';
import type { StorageKind } from '../storage-kind.js';
import type { Timeouts } from '../timeouts.js';
import type { Transport } from '../transport/transport.js';
import { makePrivateFolder, privateWriteStream } from '../private-file.js';
import { checkBackupDestination } from './backup-destination.js';
import { backupFileNames } from './backup-names.js';
import { writeBackupPackage, type BackupManifest, type BackupPartition } from './backup-package.js';

export type { BackupManifest, BackupPartition } from './backup-package.js';

/** Options for {@link backup}. */
export interface BackupOptions {
  /** The programmer to upload (and to copy into the backup). */
  readonly programmer: string;
  readonly storage: StorageKind;
  /** Back up the ranges this package would write; without it, NAND partitions come from the modem's MIBIB. */
  readonly layout?: FirmwarePackage;
  readonly timeouts?: Partial<Timeouts>;
  readonly onProgress?: (p: { label: string; bytesDone: number; bytesTotal: number }) => void;
  /** The programmer is already running on a Firehose-only link. @default the transport's `firehoseOnly` */
  readonly programmerLoaded?: boolean;
  readonly signal?: AbortSignal;
}

/** A range to read. */
interface Range {
  readonly label: string;
  readonly lun: number;
  readonly start: number;
  readonly sectors: number;
}

/** The MIBIB of Quectel NAND modules sits at erase block 10. */
const MIBIB_BLOCK = 10;

function rangesFromPackage(pkg: FirmwarePackage, facts: DeviceFacts): Range[] {
  const out: Range[] = [];
  const seen = new Set<string>();
  for (const { list } of pkg.rawprograms) {
    // Programs first: they name the range (erases of the same range carry no file name).
    const entries = [...list.entries].sort(
      (a, b) => Number(b.tag === 'program') - Number(a.tag === 'program'),
    );
    for (const e of entries) {
      if ((e.tag !== 'program' && e.tag !== 'erase') || !e.startSector || !e.numSectors) continue;
      const disk = facts.lunSectors[e.physicalPartition];
      const ctx = disk === undefined ? {} : { NUM_DISK_SECTORS: BigInt(disk) };
      const start = Number(evaluateExpression(e.startSector.expr, ctx));
      const sectors = Number(evaluateExpression(e.numSectors.expr, ctx));
      const key = `${e.physicalPartition}:${start}`;
      if (sectors === 0 || seen.has(key)) continue;
      seen.add(key);
      const fromFile = e.filename
        ? (e.filename.replace(/\\/g, '/').split('/').pop() ?? '').replace(/\.[^.]*$/, '')
        : '';
      const label = e.label ?? (fromFile || `lun${e.physicalPartition}_${start}`);
      out.push({ label, lun: e.physicalPartition, start, sectors });
    }
  }
  return out;
}

async function rangesFromMibib(client: FirehoseClient, facts: DeviceFacts): Promise<Range[]> {
  const ppb = facts.pagesPerBlock ?? 1;
  const table: Uint8Array[] = [];
  const range = {
    sectorSizeInBytes: facts.sectorSize,
    numPartitionSectors: 4,
    startSector: MIBIB_BLOCK * ppb,
    pagesPerBlock: ppb,
  };
  await client.read(range, (p) => void table.push(Uint8Array.from(p)));
  return parseMibib(Buffer.concat(table)).partitions.map((p) => ({
    label: p.name.replace(/^0:/, ''),
    lun: 0,
    start: p.offsetBlocks * ppb,
    sectors: p.lengthBlocks * ppb,
  }));
}

/** Reads the modem's partitions into `dir`. */
export async function backup(
  transport: Transport,
  dir: string,
  options: BackupOptions,
): Promise<BackupManifest> {
  await checkBackupDestination(dir, { packageRoot: options.layout?.root });
  const luns = options.layout?.rawprograms.flatMap((r) =>
    r.list.entries.map((e) => e.physicalPartition),
  );
  const session = await openFirehoseSession(transport, {
    storage: options.storage,
    programmer: options.programmer,
    programmerLoaded: options.programmerLoaded,
    timeouts: options.timeouts,
    luns,
    signal: options.signal,
  });
  const facts = session.facts;
  if (!facts)
    throw new WorkflowError(
      'QFH_BACKUP_LAYOUT',
      'the programmer does not report its storage, so qfh cannot address it',
      {
        hint: 'Use the programmer from this modem’s firmware package (it answers getstorageinfo).',
      },
    );
  let ranges: Range[];
  if (options.layout) ranges = rangesFromPackage(options.layout, facts);
  else if (facts.storage === 'nand') ranges = await rangesFromMibib(session.client, facts);
  else
    throw new WorkflowError(
      'QFH_BACKUP_LAYOUT',
      'without a package, qfh reads the partition table only on NAND modems',
      {
        hint: 'Pass the firmware package (--from DIR): qfh backs up the ranges it would write.',
      },
    );
  const nand = facts.storage === 'nand';
  const images = nand ? join(dir, 'update') : dir;
  await makePrivateFolder(images);
  const partitions = await readRanges(session.client, { ranges, facts, images, options });
  return writeBackupPackage(dir, {
    facts,
    partitions,
    programmer: options.programmer,
    device: transport.description,
  });
}

async function readRanges(
  client: FirehoseClient,
  c: { ranges: readonly Range[]; facts: DeviceFacts; images: string; options: BackupOptions },
): Promise<BackupPartition[]> {
  const { facts } = c;
  const nand = facts.storage === 'nand';
  const total = c.ranges.reduce((n, r) => n + r.sectors * facts.sectorSize, 0);
  let done = 0;
  const partitions: BackupPartition[] = [];
  const files = backupFileNames(c.ranges.map((r) => r.label));
  for (const [i, r] of c.ranges.entries()) {
    const file = files[i] ?? `${i}.bin`;
    const out = await privateWriteStream(join(c.images, file), { existing: 'new' });
    const sha256 = createHash('sha256');
    const md5 = createHash('md5');
    const range: SectorRange = {
      sectorSizeInBytes: facts.sectorSize,
      numPartitionSectors: r.sectors,
      startSector: r.start,
      physicalPartitionNumber: r.lun,
      ...(nand ? { pagesPerBlock: facts.pagesPerBlock ?? 1 } : {}),
    };
    await client.read(range, async (piece) => {
      sha256.update(piece);
      md5.update(piece);
      done += piece.length;
      c.options.onProgress?.({ label: r.label, bytesDone: done, bytesTotal: total });
      // A copy: the stream keeps what it is given until it is flushed, and a piece is only
      // promised to be valid for this call (a transport may hand out views of its own buffer).
      if (!out.write(Buffer.from(piece))) await once(out, 'drain');
    });
    out.end();
    await once(out, 'finish');
    partitions.push({
      label: r.label,
      lun: r.lun,
      startSector: r.start,
      sectors: r.sectors,
      sectorSize: facts.sectorSize,
      file: nand ? `update/${file}` : file,
      bytes: r.sectors * facts.sectorSize,
      sha256: sha256.digest('hex'),
      md5: md5.digest('hex'),
    });
  }
  return partitions;
}
