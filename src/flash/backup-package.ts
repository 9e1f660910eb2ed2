/**
 * Writes a backup as a package `qfh flash` restores: erase + program per partition (NAND, as
 * Quectel rawprograms do), program per partition (eMMC/UFS), the programmer, md5.txt in
 * Quectel's format and `backup.json` with every partition's SHA-256.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { DeviceFacts } from '../device-facts.js';
import { md5File } from '../package/verify-md5.js';
import type { StorageKind } from '../storage-kind.js';
import { makePrivateFolder, writePrivateFile } from '../private-file.js';
import { escapeAttribute, escapeComment } from '../xml-elements.js';

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
  readonly md5: string;
}

/** The manifest written as backup.json. */
export interface BackupManifest {
  readonly format: 'qfh-backup';
  readonly version: 1;
  readonly device: string;
  readonly created: string;
  readonly storage: StorageKind;
  readonly partitions: readonly BackupPartition[];
}

/** Writes rawprogram, programmer, md5.txt and backup.json beside the partition images. */
export async function writeBackupPackage(
  dir: string,
  c: {
    facts: DeviceFacts;
    partitions: readonly BackupPartition[];
    programmer: string;
    device: string;
  },
): Promise<BackupManifest> {
  const { facts, partitions } = c;
  const nand = facts.storage === 'nand';
  const ppb = facts.pagesPerBlock ?? 1;
  const size = facts.sectorSize;
  const line = (p: BackupPartition, tag: 'erase' | 'program'): string => {
    const file =
      tag === 'program'
        ? `filename="${nand ? `..\\${basename(p.file)}` : p.file}" label="${escapeAttribute(p.label)}" `
        : '';
    return `  <${tag} ${nand ? `PAGES_PER_BLOCK="${ppb}" ` : ''}SECTOR_SIZE_IN_BYTES="${size}" ${file}num_partition_sectors="${p.sectors}" physical_partition_number="${p.lun}" start_sector="${p.startSector}"/>`;
  };
  const body = partitions.flatMap((p) =>
    nand ? [line(p, 'erase'), line(p, 'program')] : [line(p, 'program')],
  );
  const rawprogram = nand
    ? `update/firehose/rawprogram_nand_p${size / 1024}K_b${(size * ppb) / 1024}K_backup.xml`
    : 'rawprogram0.xml';
  await makePrivateFolder(join(dir, dirname(rawprogram)));
  const fresh = { existing: 'new' } as const;
  const comment = `  <!--qfh backup of ${escapeComment(c.device)}-->`;
  await writePrivateFile(
    join(dir, rawprogram),
    `<?xml version="1.0" ?>\n<data>\n${comment}\n${body.join('\n')}\n</data>\n`,
    fresh,
  );
  const programmer = nand ? `update/firehose/${basename(c.programmer)}` : basename(c.programmer);
  // Written as a new private file (a programmer is a few MB): never through a link.
  await writePrivateFile(join(dir, programmer), await readFile(c.programmer), fresh);
  const manifest: BackupManifest = {
    format: 'qfh-backup',
    version: 1,
    device: c.device,
    created: new Date().toISOString(),
    storage: facts.storage,
    partitions,
  };
  await writePrivateFile(join(dir, 'backup.json'), `${JSON.stringify(manifest, null, 2)}\n`, fresh);
  const md5Line = (path: string, md5: string): string =>
    `FILE:\\${path.replace(/\//g, '\\')}:${md5.toUpperCase()}`;
  const lines = [
    'VERSION:1.0',
    'FILE:START',
    ...partitions.map((p) => md5Line(p.file, p.md5)),
    md5Line(rawprogram, await md5File(join(dir, rawprogram))),
    md5Line(programmer, await md5File(join(dir, programmer))),
    'FILE:END',
    '',
  ];
  await writePrivateFile(join(dir, 'md5.txt'), lines.join('\r\n'), fresh);
  return manifest;
}
