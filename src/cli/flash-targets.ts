/**
 * Every `--device` of `qfh flash` as a fleet target, one modem or many: the modem attached
 * (found in normal mode, or in EDL), a port, a serial, a node in /dev, a TCP address, a
 * simulated modem, or a modem behind the router relay. The command line flashes one modem
 * as a fleet of one through `flashMany`, so both take the same path from here on. Targets
 * are tapped: the EDL device they become is what `--capture` records, and every transport
 * they open is kept so a second Ctrl-C can close it.
 *
 * @module
 */
import { systemBus } from '../fleet/bus.js';
import type { FleetConnection, FleetTarget } from '../fleet/fleet-types.js';
import { specTarget, type SpecTargetOptions } from '../fleet/spec-target.js';
import { pcieNormalModeAccess, usbNormalModeAccess } from '../flash/normal-mode-access.js';
import { openRelayEdl, relayNormalModeAccess } from '../flash/relay-access.js';
import { SimulatedModem } from '../sim/modem.js';
import { simulatorAccess } from '../sim/normal-mode-access.js';
import { relayArgument, type RelayAddress } from '../transport/relay-client.js';
import { openDevice, type DeviceSpec } from '../transport/select-device.js';
import { listDevices } from '../transport/sysfs-devices.js';
import type { Timeouts } from '../timeouts.js';
import type { Transport } from '../transport/transport.js';
import type { SessionHooks } from './capture-option.js';
import type { RunContext } from './command.js';

/** What a target needs to know of the request. */
export interface TargetSettings {
  readonly command: 'flash' | 'edl-recover';
  readonly waitSeconds: number;
  /** `--timeout NAME=MS`: also the waits of asking a tcp:// server what it carries. */
  readonly timeouts: Partial<Timeouts>;
  readonly programmer: string | undefined;
  /**
   * The request's own options (`--programmer FILE`, accept flags), which every command the
   * advice names must repeat: without them it would be refused, or upload another programmer.
   */
  readonly requestArguments: readonly string[];
}

/** `sim:PROFILE[:normal]`: a new simulated modem in this process (in EDL for `edl-recover`). */
export function openSimulated(s: TargetSettings): NonNullable<SpecTargetOptions['openSim']> {
  return (spec, onMessage) => {
    const state = s.command === 'edl-recover' ? 'edl' : spec.state;
    const modem = new SimulatedModem({ profile: spec.profile, state });
    return state === 'edl'
      ? { mode: 'edl', transport: modem.connect() }
      : {
          mode: 'normal',
          access: simulatorAccess(modem, { waitSeconds: s.waitSeconds, onMessage }),
        };
  };
}

/** The target one `--device` (or none: the one modem attached) names. */
export function deviceTarget(
  s: TargetSettings,
  c: { spec: DeviceSpec; text: string | undefined; ctx: Pick<RunContext, 'bus'> },
): FleetTarget {
  const { spec, text } = c;
  const named = {
    deviceArgument: text,
    route: [...(text === undefined ? [] : ['--device', text]), ...s.requestArguments],
  };
  if (spec.kind === 'usb' && spec.serial === undefined && spec.port === undefined)
    return { device: text ?? 'usb', ...named, connect: (o) => theModemAttached(s, o) };
  const target = specTarget(spec, text ?? 'usb', {
    bus: c.ctx.bus ?? systemBus(),
    waitSeconds: s.waitSeconds,
    timeouts: s.timeouts,
    openSim: openSimulated(s),
  });
  return { ...target, ...named };
}

/** The modem behind the relay script on a router. */
export function relayTarget(
  s: TargetSettings,
  c: { relay: RelayAddress; text: string | undefined },
): FleetTarget {
  const relay = relayArgument(c.relay);
  return {
    device: c.text ?? 'usb',
    deviceArgument: c.text,
    // Advice after a failure must reach the modem the same way: through the relay.
    route: [
      '--relay',
      relay,
      ...(c.text === undefined ? [] : ['--device', c.text]),
      ...s.requestArguments,
    ],
    connect: async ({ onMessage }) => {
      const o = { relay: c.relay, waitSeconds: s.waitSeconds, onMessage };
      const access = s.command === 'flash' ? await relayNormalModeAccess(o) : undefined;
      if (access) return { mode: 'normal', access };
      return { mode: 'edl', transport: await openRelayEdl(o) };
    },
  };
}

/**
 * The one modem attached: in normal mode when no EDL device is listed (USB first, then
 * PCIe; `flash` switches it), otherwise the EDL device.
 */
async function theModemAttached(
  s: TargetSettings,
  o: { readonly onMessage: (line: string) => void },
): Promise<FleetConnection> {
  if (s.command === 'flash' && !(await listDevices()).usb.some((d) => d.mode === 'edl')) {
    const a = { waitSeconds: s.waitSeconds, onMessage: o.onMessage };
    const usb = await usbNormalModeAccess(a);
    if (usb) return { mode: 'normal', access: usb };
    const pcie = await pcieNormalModeAccess({ ...a, programmer: s.programmer });
    if (pcie) return { mode: 'normal', access: pcie.access, cleanup: () => pcie.cleanup() };
  }
  const transport = await openDevice(
    { kind: 'usb', serial: undefined },
    { waitMs: s.waitSeconds * 1000, onWaiting: o.onMessage, onNotice: o.onMessage },
  );
  return { mode: 'edl', transport };
}

/**
 * The targets with the EDL device each becomes wrapped by `session` (`--capture`), and every
 * transport they open added to `open`.
 */
export function tappedTargets(
  targets: readonly FleetTarget[],
  c: { session: SessionHooks; open: Set<Transport> },
): FleetTarget[] {
  const keep = (t: Transport): Transport => (c.open.add(t), t);
  const edl = (t: Transport): Transport => keep(c.session.wrap(t));
  return targets.map((t) => ({
    ...t,
    connect: async (o) => {
      const conn = await t.connect(o);
      if (conn.mode === 'edl') return { mode: 'edl', transport: edl(conn.transport) };
      const access = conn.access;
      keep(access.at);
      keep(access.diag);
      return { ...conn, access: { ...access, openEdl: async () => edl(await access.openEdl()) } };
    },
  }));
}
