/** Simulated modems on ports and a 4 KiB-page NAND package for the many-modem tests. */
import { expect } from 'vitest';
import type { SignalSource } from '../../src/cli/context.js';
import { main } from '../../src/cli/main.js';
import type { ModemBus } from '../../src/fleet/index.js';
import {
  buildTestProgrammer,
  profile,
  SimulatedModem,
  type FaultPlan,
} from '../../src/sim/index.js';
import { bytesOf, makePackage, md5Txt } from './package-dir.js';
import { padded } from './reference.js';

const PAGE = 4096;
const A = `PAGES_PER_BLOCK="64" SECTOR_SIZE_IN_BYTES="${PAGE}"`;

/** Partitions of the test package: file, start sector, sectors, image. */
export interface TestPartition {
  readonly file: string;
  readonly start: number;
  readonly sectors: number;
  readonly image: Uint8Array;
}

/**
 * An RM500Q-GL package (SDX55 NAND, 4 KiB pages, 256 KiB blocks), named as Quectel names
 * the release those modems run: a boot loader (an ELF, so the modem boots back into
 * normal mode after the flash) and two odd-sized images, each erased then programmed.
 */
export async function rm500qPackage(): Promise<{ root: string; parts: TestPartition[] }> {
  const sbl = buildTestProgrammer({ segmentSizes: [4096], signatureBytes: 64, seed: 3 });
  const parts: TestPartition[] = [
    {
      file: 'sbl1.mbn',
      start: 0,
      sectors: 128,
      image: Uint8Array.from([...sbl, ...bytesOf(9001, 5)]),
    },
    { file: 'NON-HLOS.ubi', start: 640, sectors: 256, image: bytesOf(300_001, 7) },
    { file: 'sysfs.ubi', start: 1280, sectors: 256, image: bytesOf(777_777, 9) },
  ];
  const xml = [
    '<?xml version="1.0" ?>',
    '<data>',
    ...parts.flatMap((p) => [
      `  <erase ${A} num_partition_sectors="${p.sectors}" physical_partition_number="0" start_sector="${p.start}"/>`,
      `  <program ${A} filename="..\\${p.file}" num_partition_sectors="${p.sectors}" physical_partition_number="0" start_sector="${p.start}"/>`,
    ]),
    '</data>',
    '',
  ].join('\n');
  const files: Record<string, string | Uint8Array> = {
    'update/firehose/rawprogram_nand_p4K_b256K_update.xml': xml,
    'update/firehose/prog_firehose_sdx55.mbn': buildTestProgrammer(),
    ...Object.fromEntries(parts.map((p) => [`update/${p.file}`, p.image])),
  };
  const root = await makePackage(
    { ...files, 'md5.txt': md5Txt(files) },
    'RM500QGLAAR01A01M4G_01.001.01.001',
  );
  return { root, parts };
}

/** Whether the modem's NAND holds exactly what the package's erases and programs leave. */
export function expectFlashed(modem: SimulatedModem, parts: readonly TestPartition[]): void {
  for (const p of parts) {
    const expected = new Uint8Array(p.sectors * PAGE).fill(0xff);
    expected.set(padded(p.image, PAGE));
    const held = modem.storage.export(0, p.start, p.sectors);
    expect({
      modem: modem.profile.id,
      file: p.file,
      same: Buffer.compare(held, expected) === 0,
    }).toEqual({
      modem: modem.profile.id,
      file: p.file,
      same: true,
    });
  }
}

/** Erase, program or patch commands the modem's programmers received. */
export const writesReceived = (modem: SimulatedModem): number =>
  modem.firehoseRuns
    .flatMap((r) => r.commands)
    .filter((c) => c.tag === 'erase' || c.tag === 'program' || c.tag === 'patch').length;

/**
 * A simulated modem with its own chip serial. Protocol timing stays real except the boot
 * after the flash (20 s on an SDX55, more than these tests can wait for each modem).
 */
export function fleetModem(o: {
  profile: string;
  serial: number;
  state: 'edl' | 'normal';
  revision?: string;
  faults?: FaultPlan;
}): SimulatedModem {
  const p = profile(o.profile);
  return new SimulatedModem({
    profile: {
      ...p,
      sahara: { ...p.sahara, serial: o.serial },
      ...(o.revision
        ? { normal: { revision: o.revision, fullRevision: `${o.revision}_01.001.01.001` } }
        : {}),
    },
    state: o.state,
    ...(o.faults ? { faults: o.faults } : {}),
    timing: { overrides: { bootMs: 300 } },
  });
}

/** Runs `main()` in-process with `bus` as the host's modems (and `signals` as Ctrl-C). */
export async function qfhOnBus(
  args: readonly string[],
  bus: ModemBus,
  signals: SignalSource = { onStop: () => () => undefined },
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    out: { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) },
    terminal: { canAsk: false, isTTY: false, confirm: async () => false },
    signals,
    bus,
  });
  return { code, stdout, stderr };
}
