/**
 * Checks of single rawprogram entries that need nothing but the package: erase lines that
 * would wipe too much or are unplaceable, program lines without a place or a sector size,
 * images larger than their partition. What needs the modem's disk (placement, overlaps on
 * the real disk) is the plan's.
 *
 * @module
 */
import { isPlainNumber } from './expression.js';
import { finding, type Finding } from './findings.js';
import type { ReferencedFile } from './package-files.js';
import type { ProgramListEntry } from './program-list.js';

/** Where an entry is, for messages. */
const at = (manifest: string, entry: ProgramListEntry): string =>
  `${manifest} entry ${entry.index + 1}`;

/** Checks one entry's own attributes. */
export function checkEntry(entry: ProgramListEntry, manifest: string, findings: Finding[]): void {
  if (entry.tag === 'erase') checkErase(entry, manifest, findings);
  if (entry.tag !== 'program' || !entry.filename) return;
  if (entry.sectorSize === undefined)
    findings.push(
      finding(
        'refuse',
        'PKG_NO_SECTOR_SIZE',
        `${at(manifest, entry)} (${entry.filename}) has no SECTOR_SIZE_IN_BYTES`,
        {
          file: manifest,
        },
      ),
    );
  if (entry.startSector === undefined || entry.startSector.text.trim() === '')
    findings.push(
      finding(
        'refuse',
        'PKG_PROGRAM_NO_START',
        `${at(manifest, entry)} programs ${entry.filename} with no start_sector: qfh will not guess where it goes`,
        { file: manifest },
      ),
    );
}

function checkErase(entry: ProgramListEntry, manifest: string, findings: Finding[]): void {
  const where = at(manifest, entry);
  if (entry.attributes.length === 0) {
    findings.push(
      finding(
        'refuse',
        'PKG_ERASE_WHOLE_DEVICE',
        `${where} is an <erase> with no attributes: programmers erase the whole device for it`,
        {
          file: manifest,
        },
      ),
    );
    return;
  }
  if (entry.vendor !== undefined) {
    findings.push(
      finding(
        'info',
        'PKG_VENDOR_ERASE',
        `${where} is a vendor="${entry.vendor}" erase; it is sent verbatim with every attribute`,
        {
          file: manifest,
        },
      ),
    );
    return;
  }
  if (entry.startSector === undefined)
    findings.push(
      finding('refuse', 'PKG_ERASE_NO_RANGE', `${where} is an <erase> without start_sector`, {
        file: manifest,
      }),
    );
  if (entry.numSectors === undefined)
    findings.push(
      finding(
        'refuse',
        'PKG_ERASE_NO_RANGE',
        `${where} is an <erase> without num_partition_sectors: programmers erase to the end of the disk for it`,
        {
          file: manifest,
        },
      ),
    );
  if (entry.sectorSize === undefined)
    findings.push(
      finding(
        'refuse',
        'PKG_ERASE_NO_RANGE',
        `${where} is an <erase> without SECTOR_SIZE_IN_BYTES`,
        {
          file: manifest,
        },
      ),
    );
}

/** An image larger than a partition whose size the package states. */
export function checkFit(
  entry: ProgramListEntry,
  file: ReferencedFile,
  manifest: string,
  findings: Finding[],
): void {
  const sectors = entry.numSectors;
  if (!file.exists || entry.sectorSize === undefined || sectors === undefined) return;
  // Sizes that are expressions or 0 ("grow" to the end of the disk) are checked by the plan.
  if (!isPlainNumber(sectors.text)) return;
  const capacity = BigInt(Number.parseInt(sectors.text, 10)) * BigInt(entry.sectorSize);
  if (capacity === 0n) return;
  const bytes =
    BigInt((entry.sparse && file.sparse ? file.expandedSize : file.size) ?? 0) -
    entry.fileSectorOffset * BigInt(entry.sectorSize);
  if (bytes > capacity)
    findings.push(
      finding(
        'refuse',
        'PKG_IMAGE_TOO_LARGE',
        `${file.path} is ${bytes} bytes but ${entry.label ?? 'its partition'} at sector ${entry.startSector?.text} holds ${capacity}; qfh never truncates an image`,
        { file: manifest },
      ),
    );
}
