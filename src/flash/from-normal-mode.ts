/**
 * Flashing a modem that is in normal mode (what `qfh flash` does when it finds one): read
 * its identity over AT, refuse a module that is not Quectel or whose identity fails the
 * variant/version gates (before the switch frame is ever sent), switch it to EDL through
 * DIAG, wait for 05c6:9008, flash, and read the identity again once it is back. Every port
 * it is given or opens is closed, whatever happens.
 *
 * @module
 */
import { AtPort } from '../at/at-port.js';
import { switchToEdl, type EdlSwitchOptions } from '../at/edl-switch.js';
import type { ModemIdentity } from '../at/identify.js';
import { checkModem, type ModemCheck } from '../at/post-check.js';
import { AtError, DeviceNotFoundError, PlanRefusedError, TransportError } from '../errors.js';
import type { FirmwarePackage } from '../package/read-package.js';
import type { Transport } from '../transport/transport.js';
import { flash, type FlashOptions } from './flash.js';
import { prepareFlash, preparedForModem, type PreparedFlash } from './prepare.js';
import type { FlashReport } from './flash-report.js';

/** How to reach the modem in each state. */
export interface NormalModeAccess {
  /** The AT port. */
  readonly at: Transport;
  /** The DIAG port (may be the same transport on simulators and bridges). */
  readonly diag: Transport;
  /** Resolves with the EDL device once it has enumerated (waits, with the caller's messages). */
  openEdl(): Promise<Transport>;
  /** Resolves with the AT port once the modem is back in normal mode, if the caller wants the after-check. */
  reopenAt?(): Promise<Transport>;
  /**
   * Runs once the identity passed every gate, just before the DIAG frame: the upstream PCIe
   * driver loads the programmer itself on the switch, so it must be in place by then.
   */
  beforeSwitch?(modem: ModemIdentity, pkg: FirmwarePackage): Promise<void>;
  /** Whether the EDL link will carry Firehose only, the programmer already loaded (see FlashOptions.programmerLoaded). */
  readonly programmerLoaded?: boolean;
}

/** What happened. */
export interface NormalModeFlashResult {
  readonly before: ModemIdentity;
  readonly report: FlashReport;
  /** The identity after the update, when the modem came back and was asked. */
  readonly after: ModemIdentity | undefined;
  /** Identity, registration, signal and bands before and after (the update record). */
  readonly checks: { readonly before: ModemCheck; readonly after: ModemCheck | undefined };
  /** Why there is no after-check although one was asked for (the modem not back in time). */
  readonly afterProblem: string | undefined;
}

/** Options for {@link flashFromNormalMode}. */
export type NormalModeOptions = FlashOptions & {
  edlSwitch?: EdlSwitchOptions;
  onIdentity?: (modem: ModemIdentity) => void;
};

const closeQuietly = async (...transports: Transport[]): Promise<void> => {
  for (const t of new Set(transports)) await t.close().catch(() => undefined);
};

/** Identity, gates, EDL switch, flash, identity again. */
export async function flashFromNormalMode(
  firmware: string | FirmwarePackage | PreparedFlash,
  access: NormalModeAccess,
  options: NormalModeOptions = {},
): Promise<NormalModeFlashResult> {
  let beforeCheck: ModemCheck;
  let gated: FlashOptions;
  let prepared: PreparedFlash;
  try {
    // The modem's own revision, read below, is the one its gates use.
    prepared = await prepareFlash(firmware, { ...options, modemRevision: undefined });
    beforeCheck = await checkModem(new AtPort(access.at));
    gated = {
      ...options,
      modemRevision: beforeCheck.identity.fullRevision ?? beforeCheck.identity.revision,
    };
    options.onIdentity?.(beforeCheck.identity);
    refuseUnlessQuectel(beforeCheck.identity);
    // PlanRefusedError: nothing sent, the modem stays as it is.
    prepared = preparedForModem(prepared, gated.modemRevision);
    await access.beforeSwitch?.(beforeCheck.identity, prepared.pkg);
    await switchToEdl(access.diag, options.edlSwitch);
  } finally {
    await closeQuietly(access.at, access.diag);
  }
  const edl = await access.openEdl();
  let report: FlashReport;
  try {
    report = await flash(
      prepared,
      edl,
      access.programmerLoaded ? { ...gated, programmerLoaded: true } : gated,
    );
  } catch (e) {
    // Refused on the programmer's facts: nothing written, but the modem is no longer where
    // the user left it, and must be told so.
    if (e instanceof PlanRefusedError && !e.inEdl) throw new PlanRefusedError(e.refusals, true);
    throw e;
  } finally {
    await closeQuietly(edl);
  }
  const reopen = access.reopenAt?.bind(access);
  const after = reopen ? await checkAfter(reopen) : { check: undefined };
  return {
    before: beforeCheck.identity,
    report,
    after: after.check?.identity,
    checks: { before: beforeCheck, after: after.check },
    afterProblem: after.problem,
  };
}

function refuseUnlessQuectel(modem: ModemIdentity): void {
  if (/quectel/i.test(modem.manufacturer)) return;
  throw new AtError(
    'QFH_AT_NOT_QUECTEL',
    `the modem says it is made by "${modem.manufacturer}", not Quectel: qfh sends its EDL switch only to Quectel modules`,
    {
      hint: 'Put the modem into EDL another way (its vendor tool, or the test pads), then run qfh edl-recover.',
    },
  );
}

/**
 * The after-check. The flash is done whatever happens here: a modem that is not back in
 * time (or does not answer yet) is reported, not turned into a failed update.
 */
async function checkAfter(
  reopen: () => Promise<Transport>,
): Promise<{ check: ModemCheck | undefined; problem?: string }> {
  let at: Transport;
  try {
    at = await reopen();
  } catch (e) {
    if (!(e instanceof DeviceNotFoundError || e instanceof TransportError)) throw e;
    return { check: undefined, problem: e.message };
  }
  try {
    return { check: await checkModem(new AtPort(at)) };
  } catch (e) {
    if (!(e instanceof AtError || e instanceof TransportError)) throw e;
    return { check: undefined, problem: e.message };
  } finally {
    await closeQuietly(at);
  }
}
