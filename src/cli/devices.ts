/**
 * `--device` for the command line: parsed before anything else is printed (a typo is a
 * usage error, not a failure after the plan), simulator profiles checked by name, and the
 * device opened with its waiting messages on stderr.
 *
 * @module
 */
import { UsageError } from '../errors.js';
import { PROFILES } from '../sim/profiles.js';
import { SimulatedModem } from '../sim/modem.js';
import {
  deviceText,
  knownMode,
  openDevice,
  parseDeviceSpec,
  type DeviceMode,
  type DeviceSpec,
} from '../transport/select-device.js';
import type { Transport } from '../transport/transport.js';
import type { SessionHooks } from './capture-option.js';
import type { CliOutput } from './output.js';

/** Parses `--device` and checks a `sim:` profile exists. */
export function deviceSpec(text: string | undefined): DeviceSpec {
  const spec = parseDeviceSpec(text === undefined || text === '' ? 'usb' : text);
  if (spec.kind === 'sim' && !PROFILES.has(spec.profile))
    throw new UsageError('QFH_USAGE', `--device sim:${spec.profile}: no such simulator profile`, {
      hint: `Simulator profiles: ${[...PROFILES.keys()].join(', ')} (e.g. --device sim:eg25g).`,
    });
  return spec;
}

/** What a command needs of the device's mode, and why (said in the refusal). */
export interface ModeNeed {
  readonly command: string;
  readonly mode: DeviceMode;
  /** Why, as the end of a sentence: `reads the PBL, which only answers in EDL`. */
  readonly why: string;
  /** What else the user can do, after the handle in the right mode. */
  readonly otherwise?: string;
}

/**
 * Refuses, before anything is opened, a handle known to be in the other mode than the
 * command needs (a device whose mode is found by opening it is let through).
 */
export function requireMode(spec: DeviceSpec, need: ModeNeed): void {
  const mode = knownMode(spec);
  if (mode === undefined || mode === need.mode) return;
  const name = (m: DeviceMode): string => (m === 'edl' ? 'in EDL' : 'in normal mode');
  throw new UsageError(
    'QFH_USAGE',
    `qfh ${need.command} ${need.why}; ${deviceText(spec)} is a modem ${name(mode)}`,
    {
      hint: `Use --device ${deviceText(spec, need.mode)} (a modem ${name(need.mode)})${need.otherwise ? `, ${need.otherwise}` : ''}.`,
    },
  );
}

/** Opens the device, saying on stderr what it waits for. */
export async function openCliDevice(
  spec: DeviceSpec,
  c: {
    out: CliOutput;
    waitSeconds: number;
    simState?: 'edl' | 'normal';
    /** `--capture` / `--debug-bundle` tap the device here. */
    session?: SessionHooks;
  },
): Promise<Transport> {
  const opened = await openDevice(spec, {
    waitMs: c.waitSeconds * 1000,
    onWaiting: (m) => c.out.stderr(`qfh: ${m}\n`),
    onNotice: (m) => c.out.stderr(`qfh: ${m}\n`),
    openSim: (profile) => new SimulatedModem({ profile, state: c.simState ?? 'edl' }).connect(),
  });
  return c.session ? c.session.wrap(opened) : opened;
}
