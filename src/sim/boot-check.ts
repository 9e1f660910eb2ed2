/**
 * What the simulated device boots into after a reset or a power-on, as a real one would:
 * its PBL starts the boot loader if storage holds one, and stays in EDL (05c6:9008, Sahara
 * HELLO) if not. NAND modems keep sbl1 at page 0, behind the boot codeword pages
 * (`nand-boot-image.ts`); eMMC and UFS devices keep it in the GPT partition named sbl1 or xbl
 * on the boot LUN. A boot loader is recognised by its ELF header (Qualcomm boot images are ELF
 * files with a hash segment); the simulator does not run it.
 *
 * @module
 */
import { isElf } from '../elf.js';
import { nandBootElfOffset, startsWithCodeword } from './nand-boot-image.js';
import type { DeviceProfile } from './profiles.js';
import type { Storage } from './storage/storage.js';

const BOOT_PARTITIONS = /^(sbl1|xbl|xbl_a|sbl1_a)$/i;

/** Whether the device would find a boot loader on `lun` (its boot LUN). */
export function holdsBootLoader(profile: DeviceProfile, storage: Storage, lun: number): boolean {
  if (profile.storage.kind === 'nand') {
    const first = storage.read(0, 0, 1);
    if (!startsWithCodeword(first)) return isElf(first); // a bare ELF: how older tests built it
    return isElf(storage.read(0, nandBootElfOffset(storage.sectorSize) / storage.sectorSize, 1));
  }
  const sectors = storage.sectors(lun);
  if (sectors === undefined) return false;
  const size = storage.sectorSize;
  const head = storage.read(lun, 0, Math.min(sectors, 2 + Math.ceil((128 * 128) / size)));
  const first = bootPartitionStart(head, size);
  if (first === undefined || first >= sectors) return false;
  return isElf(storage.read(lun, first, 1));
}

/**
 * The first sector of the boot loader's partition in the primary GPT at the start of
 * `head`, as the PBL looks for it: the header at sector 1 ("EFI PART"), the entries it
 * points to, each name UTF-16LE. The simulator reads the table itself, not with the
 * host's GPT parser, so a host that writes a table wrongly cannot be excused by a device
 * that reads it with the same mistake. No CRC check: the PBL is not this careful either
 * about a table it only searches for one name.
 */
function bootPartitionStart(head: Uint8Array, sectorSize: number): number | undefined {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const header = sectorSize;
  if (head.length < header + 92) return undefined;
  if (new TextDecoder().decode(head.subarray(header, header + 8)) !== 'EFI PART') return undefined;
  const entriesAt = Number(view.getBigUint64(header + 72, true)) * sectorSize;
  const count = view.getUint32(header + 80, true);
  const entrySize = view.getUint32(header + 84, true);
  if (entrySize < 128) return undefined;
  for (let i = 0; i < count; i++) {
    const at = entriesAt + i * entrySize;
    if (at + 128 > head.length) return undefined;
    const name = new TextDecoder('utf-16le').decode(head.subarray(at + 56, at + 128));
    if (BOOT_PARTITIONS.test(name.replace(/\0.*$/s, '')))
      return Number(view.getBigUint64(at + 32, true));
  }
  return undefined;
}
