/**
 * The upstream PCIe path (mhi-pci-generic + mhi_wwan_ctrl): after the EDL switch the
 * kernel, not the host, loads the Firehose programmer with request_firmware, under the
 * name in the driver's config (`qcom/prog_firehose_sdx24.mbn` for Quectel EM1xx,
 * `qcom/prog_firehose_sdx6x.elf` for RM5xx; research/modem.md §5), then exposes Firehose as
 * `/dev/wwan0firehose0`. qfh puts the package's programmer where the loader looks by
 * pointing `firmware_class.path` at a private folder for the duration, and restores it.
 *
 * @module
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { TransportError } from '../errors.js';

/** Firmware names the upstream driver requests, by PCI device family. */
export const KERNEL_PROGRAMMER_NAMES: Readonly<Record<string, string>> = {
  'quectel-em1xx': 'qcom/prog_firehose_sdx24.mbn',
  'quectel-rm5xx': 'qcom/prog_firehose_sdx6x.elf',
};

/** Where the override lives, relative to the sysfs root. */
const FIRMWARE_PATH = 'module/firmware_class/parameters/path';

/** A placed programmer; `restore()` puts the loader's search path back. */
export interface PlacedProgrammer {
  readonly folder: string;
  readonly file: string;
  restore(): Promise<void>;
}

/**
 * Copies `programmer` to a private folder as `firmwareName` (each name, when several: the
 * driver requests only its own family's) and points the kernel's firmware search path there.
 * @param sysRoot `/sys`, or a test folder shaped like it
 */
export async function placeProgrammerForKernel(
  programmer: string,
  firmwareName: string | readonly string[],
  sysRoot = '/sys',
): Promise<PlacedProgrammer> {
  const override = join(sysRoot, FIRMWARE_PATH);
  const previous = await readFile(override, 'utf8').catch((e: unknown) => {
    throw new TransportError(
      'QFH_TRANSPORT_ACCESS',
      `cannot read ${override}: ${(e as Error).message}`,
      {
        cause: e,
        hint: 'Run as root: the kernel firmware search path can only be changed by root.',
      },
    );
  });
  const folder = await mkdtemp(join(tmpdir(), 'qfh-firmware-'));
  const names = typeof firmwareName === 'string' ? [firmwareName] : firmwareName;
  for (const name of names) {
    await mkdir(dirname(join(folder, name)), { recursive: true });
    await copyFile(programmer, join(folder, name));
  }
  const file = join(folder, names[0] ?? '');
  await writeFile(override, folder);
  return {
    folder,
    file,
    restore: async () => {
      await writeFile(override, previous.trim());
      await rm(folder, { recursive: true, force: true });
    },
  };
}
