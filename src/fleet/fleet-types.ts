/**
 * What {@link flashMany} takes and gives: targets (one modem each, opened on demand), and a
 * result per modem that says whether it was flashed, refused by its own gates, failed, or
 * stopped on request, with its own report. A modem's outcome never depends on another's.
 *
 * @module
 */
import type { EdlSwitchOptions } from '../at/edl-switch.js';
import type { ModemIdentity } from '../at/identify.js';
import type { ModemCheck } from '../at/post-check.js';
import type { QfhError } from '../errors.js';
import type { FlashProgress, FlashReport, FlashState } from '../flash/flash-report.js';
import type { FlashOptions } from '../flash/flash.js';
import type { NormalModeAccess } from '../flash/from-normal-mode.js';
import type { PreparedFlash } from '../flash/prepare.js';
import type { FirmwarePackage } from '../package/read-package.js';
import type { Transport } from '../transport/transport.js';

/** An opened modem: in EDL, or in normal mode (then flashMany switches it). */
export type FleetConnection =
  | { readonly mode: 'edl'; readonly transport: Transport }
  | {
      readonly mode: 'normal';
      readonly access: NormalModeAccess;
      /** Undoes what opening it changed on the host (a firmware search path). */
      readonly cleanup?: (() => Promise<void>) | undefined;
    };

/** One modem to flash. */
export interface FleetTarget {
  /**
   * Its stable handle (`usb:1-1.4`, `/dev/wwan0firehose0`, `sim:rm500q`): names it in
   * callbacks, reports and the command that retries it.
   */
  readonly device: string;
  /**
   * The `--device` text the advice after a failure repeats; `undefined` when the user named
   * no device (the one modem attached). @default `device`
   */
  readonly deviceArgument?: string | undefined;
  /** The arguments that reach it, repeated in the advice (`['--relay', HOST]`). */
  readonly route?: readonly string[] | undefined;
  /** Opens it, waiting for it where it is not on the bus yet. */
  connect(c: {
    readonly signal: AbortSignal | undefined;
    readonly onMessage: (line: string) => void;
  }): Promise<FleetConnection>;
  /** The revision it runs, when known without asking it (for the gates of a modem in EDL). */
  readonly modemRevision?: string | undefined;
}

/** Where one modem is. */
export type DeviceStep = 'connecting' | 'identifying' | 'switching' | 'flashing' | 'checking';

/** How one modem ended. */
export type DeviceOutcome = 'flashed' | 'refused' | 'failed' | 'stopped';

/** What happened to one modem. */
export interface DeviceResult {
  readonly device: string;
  readonly outcome: DeviceOutcome;
  /** How it was reached; undefined when it could not be opened. */
  readonly mode: 'edl' | 'normal' | undefined;
  /** What reached it: `untouched` unless an erase, program or patch was sent. */
  readonly state: FlashState;
  /** Its flash report, once a flash started. */
  readonly report: FlashReport | undefined;
  /** Why it was not flashed. */
  readonly error: QfhError | undefined;
  /** Identity over AT before and after (modems found in normal mode). */
  readonly identity?: { readonly before: ModemIdentity; readonly after: ModemIdentity | undefined };
  /** Identity, registration, signal and bands before and after (the update record). */
  readonly checks?: { readonly before: ModemCheck; readonly after: ModemCheck | undefined };
  /** Why there is no after-check although the flash went through. */
  readonly afterProblem?: string | undefined;
  readonly seconds: number;
}

/** The outcome of {@link flashMany}. */
export interface FleetResult {
  /** Every modem flashed. */
  readonly ok: boolean;
  readonly package: string;
  readonly devices: readonly DeviceResult[];
}

/** Options of {@link flashMany}: those of `flash()`, with callbacks that name the modem. */
export interface FlashManyOptions extends Omit<
  FlashOptions,
  'onProgress' | 'onLog' | 'onPlan' | 'modemRevision' | 'deviceArgument' | 'route'
> {
  /** The firmware package for every modem: a folder, a zip, one already read, or a request `prepareFlash()` decided. */
  readonly firmware: string | FirmwarePackage | PreparedFlash;
  /** How the DIAG switch of modems in normal mode is retried. */
  readonly edlSwitch?: EdlSwitchOptions | undefined;
  /** Modems flashed at once (a slow hub may want fewer). @default all */
  readonly concurrency?: number | undefined;
  onProgress?(device: string, progress: FlashProgress): void;
  onLog?(device: string, line: string): void;
  /** Waiting and what was found (one line each). */
  onMessage?(device: string, line: string): void;
  onStep?(device: string, step: DeviceStep): void;
  onIdentity?(device: string, identity: ModemIdentity): void;
  /** Each modem's result, as soon as it has one. */
  onDone?(result: DeviceResult): void;
}
