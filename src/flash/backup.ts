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
import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { once } from 'node:events';
import { QfhError } from '../errors.js';
import { FirehoseClient } from '../firehose/client.js';
import { uploadProgrammer } from '../sahara/client.js';
import { openRandomAccess } from '../sparse/file-source.js';
import { parseMibib } from '../package/mibib.js';
import type { FirmwarePackage } from '../package/read-package.js';
import { md5File } from '../package/verify-md5.js';
import { evaluateExpression } from '../package/expression.js';
import { timeoutsFor, type Timeouts } from '../timeouts.js';
import type { Transport } from '../transport/transport.js';

/** One partition read. */
export interface BackupPartition {
  readonly label: string;
  readonly lun: number;
  readonly startSector: number;
  readonly sectors: number;
  readonly sectorSize: number;
  readonly file: string;
  readonly bytes: number;
  readonly sha256: string;
}

/** The manifest written as backup.json. */
export interface BackupManifest {
  readonly format: 'qfh-backup';
  readonly version: 1;
  readonly device: string;
  readonly created: string;
  readonly storage: 'nand' | 'emmc' | 'ufs';
  readonly partitions: readonly BackupPartition[];
}

/** Options for {@link backup}. */
export interface BackupOptions {
  /** The programmer to upload (and to copy into the backup). */
  readonly programmer: string;
  readonly storage: 'nand' | 'emmc' | 'ufs';
  /** Back up the ranges this package would write; without it, NAND partitions come from the modem's MIBIB. */
  readonly layout?: FirmwarePackage;
  readonly timeouts?: Partial<Timeouts>;
  readonly onProgress?: (p: { label: string; bytesDone: number; bytesTotal: number }) => void;
  /** The programmer is already running on a Firehose-only link. @default the transport's `firehoseOnly` */
  readonly programmerLoaded?: boolean;
}

type Range = { label: string; lun: number; start: number; sectors: number };

function rangesFromPackage(pkg: FirmwarePackage, disk: Record<number, number>): Range[] {
  const out: Range[] = [];
  const seen = new Set<string>();
  for (const { list } of pkg.rawprograms) {
    // Programs first: they name the range (erases of the same range carry no file name).
    const entries = [...list.entries].sort(
      (a, b) => Number(b.tag === 'program') - Number(a.tag === 'program'),
    );
    for (const e of entries) {
      if ((e.tag !== 'program' && e.tag !== 'erase') || !e.startSector || !e.numSectors) continue;
      const ctx =
        disk[e.physicalPartition] === undefined
          ? {}
          : { NUM_DISK_SECTORS: BigInt(disk[e.physicalPartition] ?? 0) };
      const start = Number(evaluateExpression(e.startSector.expr, ctx));
      const sectors = Number(evaluateExpression(e.numSectors.expr, ctx));
      const key = `${e.physicalPartition}:${start}`;
      if (sectors === 0 || seen.has(key)) continue;
      seen.add(key);
      const fallback = `lun${e.physicalPartition}_${start}`;
      const fromFile = e.filename
        ? basename(e.filename.replace(/\\/g, '/')).replace(/\.[^.]*$/, '')
        : '';
      out.push({
        label: e.label ?? (fromFile || fallback),
        lun: e.physicalPartition,
        start,
        sectors,
      });
    }
  }
  return out;
}

/** Reads the modem's partitions into `dir`. */
export async function backup(
  transport: Transport,
  dir: string,
  options: BackupOptions,
): Promise<BackupManifest> {
  if (!(options.programmerLoaded ?? transport.firehoseOnly)) {
    const programmer = await openRandomAccess(options.programmer);
    try {
      await uploadProgrammer(transport, programmer);
    } finally {
      await programmer.close();
    }
  }
  const client = new FirehoseClient(transport, {
    timeouts: timeoutsFor(options.storage, options.timeouts),
  });
  await client.readBanner();
  await client.configure({
    memoryName: options.storage === 'nand' ? 'nand' : options.storage === 'emmc' ? 'eMMC' : 'UFS',
    maxPayload: options.storage === 'nand' ? 8192 : 1048576,
  });
  const info = await client.storageInfo(0);
  const nand = options.storage === 'nand';
  const sectorSize = info.pageSize;
  const ppb = nand ? info.blockSize / info.pageSize : 1;
  const disk: Record<number, number> = { 0: nand ? info.totalBlocks * ppb : info.totalBlocks };
  let ranges: Range[];
  if (options.layout) ranges = rangesFromPackage(options.layout, disk);
  else if (nand) {
    const table: Uint8Array[] = [];
    await client.read(
      {
        sectorSizeInBytes: sectorSize,
        numPartitionSectors: 4,
        startSector: 10 * ppb,
        pagesPerBlock: ppb,
      },
      (p) => void table.push(Uint8Array.from(p)),
    );
    ranges = parseMibib(Buffer.concat(table)).partitions.map((p) => ({
      label: p.name.replace(/^0:/, ''),
      lun: 0,
      start: p.offsetBlocks * ppb,
      sectors: p.lengthBlocks * ppb,
    }));
  } else
    throw new QfhError(
      'QFH_BACKUP_LAYOUT',
      'without a package, qfh reads the partition table only on NAND modems',
      { hint: 'Pass the firmware package (--from DIR): qfh backs up the ranges it would write.' },
    );

  const images = nand ? join(dir, 'update') : dir;
  await mkdir(nand ? join(dir, 'update/firehose') : dir, { recursive: true });
  const total = ranges.reduce((n, r) => n + r.sectors * sectorSize, 0);
  let done = 0;
  const partitions: BackupPartition[] = [];
  for (const r of ranges) {
    const file = `${r.label}.bin`;
    const out = createWriteStream(join(images, file));
    const hash = createHash('sha256');
    await client.read(
      {
        sectorSizeInBytes: sectorSize,
        numPartitionSectors: r.sectors,
        startSector: r.start,
        physicalPartitionNumber: r.lun,
        ...(nand ? { pagesPerBlock: ppb } : {}),
      },
      async (piece) => {
        hash.update(piece);
        done += piece.length;
        options.onProgress?.({ label: r.label, bytesDone: done, bytesTotal: total });
        if (!out.write(Buffer.from(piece))) await once(out, 'drain');
      },
    );
    out.end();
    await once(out, 'finish');
    partitions.push({
      label: r.label,
      lun: r.lun,
      startSector: r.start,
      sectors: r.sectors,
      sectorSize,
      file: nand ? `update/${file}` : file,
      bytes: r.sectors * sectorSize,
      sha256: hash.digest('hex'),
    });
  }
  // The backup as a package: erase + program per partition (NAND), program per partition (eMMC/UFS).
  const line = (p: BackupPartition, tag: 'erase' | 'program'): string =>
    `  <${tag} ${nand ? `PAGES_PER_BLOCK="${ppb}" ` : ''}SECTOR_SIZE_IN_BYTES="${sectorSize}" ${tag === 'program' ? `filename="${nand ? `..\\${basename(p.file)}` : p.file}" label="${p.label}" ` : ''}num_partition_sectors="${p.sectors}" physical_partition_number="${p.lun}" start_sector="${p.startSector}"/>`;
  const body = partitions.flatMap((p) =>
    nand ? [line(p, 'erase'), line(p, 'program')] : [line(p, 'program')],
  );
  const rawprogram = nand
    ? join(
        dir,
        `update/firehose/rawprogram_nand_p${sectorSize / 1024}K_b${(sectorSize * ppb) / 1024}K_backup.xml`,
      )
    : join(dir, 'rawprogram0.xml');
  await writeFile(
    rawprogram,
    `<?xml version="1.0" ?>\n<data>\n  <!--qfh backup of ${transport.description}-->\n${body.join('\n')}\n</data>\n`,
  );
  const programmerCopy = nand
    ? join(dir, 'update/firehose', basename(options.programmer))
    : join(dir, basename(options.programmer));
  await copyFile(options.programmer, programmerCopy);
  const manifest: BackupManifest = {
    format: 'qfh-backup',
    version: 1,
    device: transport.description,
    created: new Date().toISOString(),
    storage: options.storage,
    partitions,
  };
  await writeFile(join(dir, 'backup.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const md5 = ['VERSION:1.0', 'FILE:START'];
  for (const path of [
    ...partitions.map((p) => p.file),
    rawprogram.slice(dir.length + 1),
    programmerCopy.slice(dir.length + 1),
  ]) {
    md5.push(
      `FILE:\\${path.replace(/\//g, '\\')}:${(await md5File(join(dir, path))).toUpperCase()}`,
    );
  }
  md5.push('FILE:END', '');
  await writeFile(join(dir, 'md5.txt'), md5.join('\r\n'));
  return manifest;
}
