/**
 * The usbmon fixtures in captures/usbmon/: every `NAME.pcap` or `NAME.pcapng` there with a
 * sidecar `NAME.json` saying how to rebuild the host's side (which command, which package or
 * programmer) is replayed by test/capture/usbmon-fixtures.test.ts. Dropping in a capture made
 * by the real kernel needs nothing else (captures/usbmon/README.md).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backup } from '../../src/flash/backup.js';
import { flash } from '../../src/flash/node-flash.js';
import { readChipInfo } from '../../src/sahara/client.js';
import { buildTestProgrammer } from '../../src/sim/index.js';
import type { StorageKind } from '../../src/storage-kind.js';
import type { Transport } from '../../src/transport/transport.js';
import {
  EMMC_SMALL,
  EMMC_SMALL_FIRST_SECTOR,
  emmcPackage,
  NAND_FIXTURE_SCALE,
  nandPackage,
} from '../usb-vm/guest/packages.js';
import { demoPackage } from './demo-capture.js';

/** captures/usbmon/ */
export const FIXTURE_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../captures/usbmon');

/** What a sidecar says. */
export interface UsbmonSidecar {
  /** The qfh command the capture recorded. */
  readonly command: 'flash' | 'edl-recover' | 'info' | 'backup';
  /** `kernel usbmon` (tcpdump/dumpcap on usbmonN) or `qfh export` (--capture). */
  readonly origin: 'kernel usbmon' | 'qfh export';
  /** How the capture was made: the commands, the machine. */
  readonly made: string;
  /**
   * flash/edl-recover/backup: `demo` (src/sim/demo-package.ts), `usb-vm nand` or
   * `usb-vm emmc-small` (the USB test machine's packages, test/usb-vm/guest/packages.ts,
   * rebuilt byte for byte), or a folder relative to the sidecar.
   */
  readonly package?: string;
  /** backup: `test` (the simulator's test programmer) or a file relative to the sidecar. */
  readonly programmer?: string;
  readonly storage?: StorageKind;
  /** The simulator profile (or real module) on the device side. */
  readonly device: string;
  /** Pick the device by bus and address instead of 05c6:9008. */
  readonly select?: { readonly bus: number; readonly address: number };
  /** flash: `verify` as the capture's run had it. @default true */
  readonly verify?: boolean;
  readonly source?: string;
  readonly licence?: string;
}

/** One fixture. */
export interface UsbmonFixture {
  readonly name: string;
  readonly capture: string;
  readonly sidecar: UsbmonSidecar;
}

/** Every capture with a sidecar. */
export function usbmonFixtures(): UsbmonFixture[] {
  if (!existsSync(FIXTURE_DIR)) return [];
  return readdirSync(FIXTURE_DIR)
    .filter((f) => /\.pcap(ng)?$/.test(f))
    .sort()
    .flatMap((f) => {
      const json = join(FIXTURE_DIR, f.replace(/\.pcap(ng)?$/, '.json'));
      if (!existsSync(json)) return [];
      const sidecar = JSON.parse(readFileSync(json, 'utf8')) as UsbmonSidecar;
      return [{ name: f, capture: join(FIXTURE_DIR, f), sidecar }];
    });
}

/** The host side the sidecar describes, as a function of the transport (plus its cleanup). */
export async function sidecarHost(
  s: UsbmonSidecar,
): Promise<{ host: (t: Transport) => Promise<unknown>; cleanup: () => Promise<void> }> {
  const made: string[] = [];
  const cleanup = async (): Promise<void> => {
    await Promise.all(made.map((d) => rm(d, { recursive: true, force: true })));
  };
  const pkg = async (): Promise<string> => {
    if (!s.package) throw new Error(`sidecar for ${s.command} names no package`);
    if (s.package === 'demo') return demoPackage();
    if (s.package.startsWith('usb-vm ')) {
      const parent = await mkdtemp(join(tmpdir(), 'qfh-fixture-package-'));
      made.push(parent);
      if (s.package === 'usb-vm nand') return nandPackage(parent, NAND_FIXTURE_SCALE);
      if (s.package === 'usb-vm emmc-small')
        return emmcPackage(parent, EMMC_SMALL, EMMC_SMALL_FIRST_SECTOR);
      throw new Error(`sidecar names an unknown package: ${s.package}`);
    }
    return resolve(FIXTURE_DIR, s.package);
  };
  if (s.command === 'info') return { host: (t) => readChipInfo(t), cleanup };
  if (s.command === 'flash' || s.command === 'edl-recover') {
    const root = await pkg();
    return { host: (t) => flash(root, t, { verify: s.verify ?? true }), cleanup };
  }
  const scratch = await mkdtemp(join(tmpdir(), 'qfh-fixture-'));
  made.push(scratch);
  let programmer = s.programmer ? resolve(FIXTURE_DIR, s.programmer) : undefined;
  if (s.programmer === 'test') {
    programmer = join(scratch, 'prog_firehose_test.mbn');
    await writeFile(programmer, buildTestProgrammer());
  }
  if (!programmer) throw new Error('sidecar for backup names no programmer');
  const chosen = programmer;
  return {
    host: (t) =>
      backup(t, join(scratch, 'backup'), { programmer: chosen, storage: s.storage ?? 'nand' }),
    cleanup,
  };
}
