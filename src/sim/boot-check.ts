/**
 * What the simulated device boots into after a reset or a power-on, as a real one would:
 * its PBL starts the boot loader if storage holds one, and stays in EDL (05c6:9008, Sahara
 * HELLO) if not. NAND modems keep sbl1 at page 0; eMMC and UFS devices keep it in the GPT
 * partition named sbl1 or xbl on the boot LUN. A boot loader is recognised by its ELF header
 * (Qualcomm boot images are ELF files with a hash segment); the simulator does not run it.
 *
 * @module
 */
import { isElf } from '../elf.js';
import { QfhError } from '../errors.js';
import { parseGpt } from '../package/gpt.js';
import type { DeviceProfile } from './profiles.js';
import type { Storage } from './storage/storage.js';

const BOOT_PARTITIONS = /^(sbl1|xbl|xbl_a|sbl1_a)$/i;

/** Whether the device would find a boot loader on `lun` (its boot LUN). */
export function holdsBootLoader(profile: DeviceProfile, storage: Storage, lun: number): boolean {
  if (profile.storage.kind === 'nand') return isElf(storage.read(0, 0, 1));
  const sectors = storage.sectors(lun);
  if (sectors === undefined) return false;
  const size = storage.sectorSize;
  const head = storage.read(lun, 0, Math.min(sectors, 2 + Math.ceil((128 * 128) / size)));
  try {
    const gpt = parseGpt(head);
    const boot = gpt.partitions.find((p) => BOOT_PARTITIONS.test(p.name));
    if (!boot || boot.firstLba >= BigInt(sectors)) return false;
    return isElf(storage.read(lun, Number(boot.firstLba), 1));
  } catch (e) {
    if (e instanceof QfhError) return false;
    throw e;
  }
}
