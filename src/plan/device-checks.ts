/**
 * Refusals that need the modem's own word: the package is for another storage kind, another
 * sector size, or (NAND) another erase-block size than the modem reports.
 *
 * @module
 */
import type { DeviceFacts } from '../device-facts.js';
import { finding, type Finding, type FirmwarePackage } from '../package/portable.js';
import { storageTraits } from '../storage-kind.js';

/** Findings of comparing the package with the device. */
export function deviceFindings(pkg: FirmwarePackage, facts: DeviceFacts): Finding[] {
  const { kind, sectorSize } = pkg.storage;
  const traits = storageTraits(kind);
  const device = storageTraits(facts.storage);
  const out: Finding[] = [];
  if (facts.storage !== kind) {
    out.push(
      finding(
        'refuse',
        'PLAN_STORAGE_MISMATCH',
        `the package is for ${traits.displayName} storage but the modem has ${device.displayName}: this firmware is for another device`,
      ),
    );
    return out;
  }
  if (facts.sectorSize !== sectorSize)
    out.push(
      finding(
        'refuse',
        'PLAN_SECTOR_SIZE_MISMATCH',
        `the package writes ${sectorSize}-byte ${traits.unit}s but the modem's ${traits.displayName} uses ${facts.sectorSize}: this firmware is for another ${kind === 'nand' ? 'NAND part (p2K/p4K packages are not interchangeable)' : 'storage'}`,
      ),
    );
  const geometry = pkg.geometry;
  const ppb = geometry ? geometry.blockSize / geometry.pageSize : undefined;
  if (
    kind === 'nand' &&
    ppb !== undefined &&
    facts.pagesPerBlock !== undefined &&
    facts.pagesPerBlock !== ppb
  )
    out.push(
      finding(
        'refuse',
        'PLAN_BLOCK_SIZE_MISMATCH',
        `the package is for NAND with ${ppb} pages per block but the modem's has ${facts.pagesPerBlock} (the EG25-G on 256 KiB-block NAND case): its erases would be unaligned`,
      ),
    );
  return out;
}
