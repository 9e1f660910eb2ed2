/**
 * Relay mode: qfh on a LAN PC reaches the modem through the relay script on the router,
 * one TCP port per role. The route is checked before anything is sent (never over the
 * modem's own connection); then the modem is reached the way `flashFromNormalMode` wants
 * it (AT and DIAG, the EDL device it becomes, the AT port once it is back), each port
 * opened only once the relay's status says the modem has it.
 *
 * @module
 */
import { DeviceNotFoundError } from '../errors.js';
import { checkRelayRoute, routeDevice } from '../preflight/relay-route.js';
import {
  openRelayPort,
  readRelayStatus,
  relayArgument,
  type RelayAddress,
  type RelayStatus,
} from '../transport/relay-client.js';
import type { Transport } from '../transport/transport.js';
import type { NormalModeAccess } from './from-normal-mode.js';
import type { AccessOptions } from './normal-mode-access.js';

/** Options of the relay accessors. */
export type RelayAccessOptions = AccessOptions & { readonly relay: RelayAddress };

const describe = (s: RelayStatus): string =>
  s.state === 'edl'
    ? `the modem is in EDL (${s.nodes.edl ?? '?'})`
    : s.state === 'normal'
      ? `the modem is in normal mode (AT ${s.nodes.at ?? '?'}, DIAG ${s.nodes.diag ?? '?'})`
      : 'no modem';

/** The relay's status, after checking the route to it; refuses when it sees no modem. */
async function checkedStatus(o: RelayAccessOptions): Promise<RelayStatus> {
  const status = await readRelayStatus(o.relay);
  checkRelayRoute(status, o.relay.host, await routeDevice(o.relay.host));
  o.onMessage?.(
    `relay ${o.relay.host}: ${describe(status)}, reached over its ${status.via || status.in || 'LAN'}`,
  );
  if (status.state === 'none')
    throw new DeviceNotFoundError('QFH_NO_DEVICE', `the relay at ${o.relay.host} sees no modem`, {
      hint: 'On the router, check the modem is attached (ls /sys/bus/usb/devices) and its tty drivers are loaded (kmod-usb-serial-option, kmod-usb-serial-qualcomm).',
    });
  return status;
}

/** Polls the relay until the modem is in `state`, saying how long is left. */
async function waitForState(
  o: RelayAccessOptions,
  state: 'edl' | 'normal',
  what: string,
): Promise<void> {
  const deadline = Date.now() + o.waitSeconds * 1000;
  let shown = -1;
  for (;;) {
    const now = await readRelayStatus(o.relay).catch(() => undefined);
    if (now?.state === state) return;
    const left = Math.ceil((deadline - Date.now()) / 1000);
    if (left <= 0)
      throw new DeviceNotFoundError(
        'QFH_NO_DEVICE',
        `${what} did not appear at the relay within ${o.waitSeconds} s`,
        {
          hint: `Check the modem on the router; if it is in EDL (05c6:9008), run qfh edl-recover FIRMWARE --relay ${relayArgument(o.relay)}.`,
        },
      );
    if (left !== shown) o.onMessage?.(`waiting for ${what} at the relay… ${left} s`);
    shown = left;
    await new Promise((r) => setTimeout(r, 300));
  }
}

/**
 * Access to the modem behind the relay when it is in normal mode; `undefined` when it is
 * already in EDL (open that with {@link openRelayEdl}).
 * @throws TransportError `QFH_RELAY_ROUTE` before anything is sent when the route runs over the modem.
 */
export async function relayNormalModeAccess(
  o: RelayAccessOptions,
): Promise<NormalModeAccess | undefined> {
  const status = await checkedStatus(o);
  if (status.state !== 'normal') return undefined;
  const { ports } = o.relay;
  const at = await openRelayPort(o.relay, ports.at);
  const diag = await openRelayPort(o.relay, ports.diag).catch(async (e: unknown) => {
    await at.close();
    throw e;
  });
  const wait = Math.max(o.waitSeconds, 30);
  return {
    at,
    diag,
    openEdl: async () => {
      await waitForState({ ...o, waitSeconds: wait }, 'edl', 'the modem in EDL (05c6:9008)');
      return openRelayPort(o.relay, ports.edl);
    },
    reopenAt: async () => {
      await waitForState(
        { ...o, waitSeconds: Math.max(wait, 120) },
        'normal',
        'the modem back in normal mode',
      );
      return openRelayPort(o.relay, ports.at);
    },
  };
}

/** The modem's EDL port through the relay (route checked, waiting for it to be in EDL). */
export async function openRelayEdl(o: RelayAccessOptions): Promise<Transport> {
  const status = await checkedStatus(o);
  if (status.state !== 'edl') await waitForState(o, 'edl', 'the modem in EDL (05c6:9008)');
  return openRelayPort(o.relay, o.relay.ports.edl);
}
