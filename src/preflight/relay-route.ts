/**
 * The seed's rule for relay mode, "local wired LAN only": the PC must not reach the router
 * over the modem's own connection, which dies the moment the modem switches to EDL and
 * would leave the flash half-done with nobody able to finish it. Checked from both ends:
 * the router says which of its interfaces the connection uses and which are the modem's
 * (relay status), and the PC's own route to the router must not leave by a modem interface.
 *
 * @module
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { TransportError } from '../errors.js';
import type { RelayStatus } from '../transport/relay-client.js';

/** Interfaces that are a cellular modem's connection, by name (as in host-checks). */
const MODEM_NETDEV = /^(wwan\d+|rmnet\w*|qmimux\d+|mhi_\w+|wwp\w+|ppp\d+)$/;

/** The interface the PC's route to `host` leaves by (`ip route get`), if it can tell. */
export async function routeDevice(host: string): Promise<string | undefined> {
  const out = await promisify(execFile)('ip', ['route', 'get', host]).then(
    (r) => r.stdout,
    () => '',
  );
  return / dev (\S+)/.exec(out)?.[1];
}

/**
 * Refuses (nothing has been sent to the modem yet) when the route runs over the modem.
 * @param pcDevice the PC's interface toward the router (from {@link routeDevice})
 */
export function checkRelayRoute(status: RelayStatus, host: string, pcDevice?: string): void {
  const routerSide = [status.via, status.in].find((i) => i !== '' && status.modemNets.includes(i));
  const why = routerSide
    ? `the router reaches this PC over ${routerSide}, the modem's own connection`
    : pcDevice && MODEM_NETDEV.test(pcDevice)
      ? `this PC reaches ${host} over ${pcDevice}, a cellular modem's connection`
      : undefined;
  if (!why) return;
  throw new TransportError(
    'QFH_RELAY_ROUTE',
    `refused: ${why}. It drops when the modem switches to EDL, leaving the flash half-done with no way to finish it; nothing was sent to the modem`,
    {
      hint: 'Connect the PC to the router by Ethernet (or its LAN Wi-Fi) and use the router’s LAN address: qfh flash FIRMWARE --relay TOKEN@192.168.1.1 (the line the relay printed)',
    },
  );
}
