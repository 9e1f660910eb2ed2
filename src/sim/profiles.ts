/**
 * Device profiles of the simulated modem, named after real modules: what each one says,
 * how its storage is shaped, and its real timing. The profiles themselves are in
 * `profiles-quectel.ts` and `profiles-android.ts`.
 *
 * @module
 */
import { UsageError } from '../errors.js';
import type { Attribute } from '../xml-elements.js';
import { ANDROID_PROFILES } from './profiles-android.js';
import { QUECTEL_PROFILES } from './profiles-quectel.js';
import type { StorageGeometry } from './storage/storage.js';
import type { ProfileTiming } from './timing.js';

/** How a programmer words its logs. */
export type LogStyle = 'sdx' | '9x07' | 'android';

/** Everything that makes one simulated module behave like its real counterpart. */
export interface DeviceProfile {
  readonly id: string;
  readonly module: string;
  readonly chip: string;
  readonly usb: {
    /** bInterfaceProtocol of the EDL interface (0xff on MDM9607/EC25-AU, 0x10 SDX24, 0x11 SDX55). */
    readonly edlInterfaceProtocol: number;
    /** VID:PID in normal mode. */
    readonly normal: { readonly vid: number; readonly pid: number };
    /**
     * wMaxPacketSize of the EDL bulk endpoints: 512 at high speed; 1024 where the device
     * enumerates at SuperSpeed (qdl measured SuperSpeed EDL devices, research/peers.md).
     * @default 512
     */
    readonly edlPacketSize?: 512 | 1024;
  };
  readonly sahara: {
    readonly version: number;
    readonly versionSupported: number;
    readonly maxCommandLength: number;
    /** READ_DATA_64 (0x12) instead of READ_DATA (0x03). */
    readonly readData64: boolean;
    /** Whether the PBL answers MSM_HW_ID_READ (v3 parts do not). */
    readonly answersHwId: boolean;
    readonly hwId: bigint;
    readonly serial: number;
    /** 32-byte OEM public-key hash (sent three times). */
    readonly pkHashSeed: number;
    /** Request the last load segment first, as the MSM8953 PBL does (captures.md §1.3). */
    readonly outOfOrderReads: boolean;
  };
  readonly storage: StorageGeometry;
  readonly firehose: {
    readonly logStyle: LogStyle;
    readonly buildDate: string;
    /** The two `[N] bbt_size` lines SDX NAND programmers log on their first erase. */
    readonly bbtLines?: readonly [number, number];
    readonly functions: readonly string[];
    /** Largest MaxPayloadSizeToTargetInBytes accepted. */
    readonly maxPayloadToTarget: number;
    /** Configure ACK attributes after `value`, given the payload size agreed. */
    readonly configureAck: (payload: number) => readonly Attribute[];
  };
  /** The real device's timing (timing.ts). */
  readonly timing: ProfileTiming;
  /** Partition table pre-programmed in NAND (what a real module holds at block 5). */
  readonly partitionTable?:
    { readonly sector: number; readonly image: () => Uint8Array } | undefined;
  readonly normal: {
    /** What ATI/AT+CGMR print, e.g. `EG25GGBR07A08M2G`. */
    readonly revision: string;
    /** AT+QGMR: revision plus `_modem.minor.ap.minor`. */
    readonly fullRevision: string;
  };
}

/** Every profile by id. */
export const PROFILES: ReadonlyMap<string, DeviceProfile> = new Map(
  [...QUECTEL_PROFILES, ...ANDROID_PROFILES].map((p) => [p.id, p]),
);

/** The profile named `id`. */
export function profile(id: string): DeviceProfile {
  const found = PROFILES.get(id);
  if (!found)
    throw new UsageError('QFH_USAGE', `unknown device profile "${id}"`, {
      hint: `Simulator profiles: ${[...PROFILES.keys()].join(', ')}.`,
    });
  return found;
}
