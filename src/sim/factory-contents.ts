/**
 * What a modem holds when it leaves the factory. NAND modems carry their boot loader at page 0
 * and their partition table, so a fresh simulated NAND modem boots normal mode the way a real
 * one does; eMMC and UFS profiles start blank (their tests load what they need).
 *
 * @module
 */
import { nandBootImage } from './nand-boot-image.js';
import { buildTestProgrammer } from './programmer-image.js';
import type { DeviceProfile } from './profiles.js';
import type { Storage } from './storage/storage.js';

/** Writes the factory contents of `profile` into `storage`. */
export function writeFactoryContents(profile: DeviceProfile, storage: Storage): void {
  if (profile.storage.kind !== 'nand') return;
  const page = storage.sectorSize;
  const elf = buildTestProgrammer({ segmentSizes: [8192], signatureBytes: 64, seed: 7 });
  const loader = nandBootImage(elf, page);
  const padded = new Uint8Array(Math.ceil(loader.length / page) * page);
  padded.set(loader);
  storage.write(0, 0, padded);
  const table = profile.partitionTable;
  if (table) storage.write(0, table.sector, table.image());
}
