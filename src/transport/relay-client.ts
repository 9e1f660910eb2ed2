/**
 * The PC half of relay mode: the relay script's fixed TCP ports (EDL, DIAG, AT, status),
 * its one-line status, and connections to a port that retry while the script re-listens
 * (it serves one connection at a time and listens again after each).
 *
 * @module
 */
import { TransportError } from '../errors.js';
import { openTcpTransport, type TcpTransport } from './tcp.js';

/** The relay's ports, from its base port (9008 unless the script was told otherwise). */
export interface RelayPorts {
  readonly edl: number;
  readonly diag: number;
  readonly at: number;
  readonly status: number;
}

/** Where the relay is. */
export interface RelayAddress {
  readonly host: string;
  readonly ports: RelayPorts;
}

/** The default base port, QFirehose's `-p IP:9008` convention. */
export const RELAY_BASE_PORT = 9008;

/** Parses `--relay HOST[:BASEPORT]` (an IPv6 host in brackets). */
export function parseRelayAddress(text: string): RelayAddress {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+))(?::(\d+))?$/.exec(text.trim());
  const host = m?.[1] ?? m?.[2];
  const base = Number(m?.[3] ?? RELAY_BASE_PORT);
  if (!host || !Number.isInteger(base) || base < 1 || base > 65532)
    throw new TransportError('QFH_RELAY_PROTOCOL', `--relay "${text}" is not HOST or HOST:PORT`, {
      hint: 'Give the router as it is on the LAN: --relay 192.168.1.1 (or --relay 192.168.1.1:9008).',
    });
  return { host, ports: { edl: base, diag: base + 1, at: base + 2, status: base + 3 } };
}

/** What the relay says the modem is now, and how the PC's connection reached it. */
export interface RelayStatus {
  readonly state: 'edl' | 'normal' | 'none';
  /** Device nodes by role (`ttyUSB2`). */
  readonly nodes: Readonly<Partial<Record<'edl' | 'diag' | 'at', string>>>;
  /** The router's interface toward the PC. */
  readonly via: string;
  /** The router's interface holding the address the PC connected to. */
  readonly in: string;
  /** The modem's own network interfaces on the router. */
  readonly modemNets: readonly string[];
  readonly line: string;
}

/** Parses the status line (`qfh-relay 1 state=normal at=ttyUSB2 …`). */
export function parseRelayStatus(text: string): RelayStatus {
  const line = text.trim().split('\n').at(-1)?.trim() ?? '';
  if (!line.startsWith('qfh-relay 1 '))
    throw new TransportError(
      'QFH_RELAY_PROTOCOL',
      `the relay's status port answered "${line.slice(0, 80)}", not a qfh relay status`,
      {
        hint: 'Start the script printed by `qfh relay-script` on the router (sh qfh-relay.sh), from the same qfh version.',
      },
    );
  const fields = new Map(
    line
      .split(/\s+/)
      .slice(2)
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] as const),
  );
  const state = fields.get('state');
  const node = (role: 'edl' | 'diag' | 'at'): Record<string, string> => {
    const v = fields.get(role);
    return v ? { [role]: v } : {};
  };
  return {
    state: state === 'edl' || state === 'normal' ? state : 'none',
    nodes: { ...node('edl'), ...node('diag'), ...node('at') },
    via: fields.get('via') ?? '',
    in: fields.get('in') ?? '',
    modemNets: (fields.get('modem_nets') ?? '').split(',').filter((n) => n !== ''),
    line,
  };
}

/** Reads the relay's status once. */
export async function readRelayStatus(relay: RelayAddress): Promise<RelayStatus> {
  const t = await openTcpTransport(relay.host, relay.ports.status);
  let text = '';
  try {
    for (;;) text += Buffer.from(await t.read(4096, { timeoutMs: 5000 })).toString('utf8');
  } catch (e) {
    if ((e as { code?: string }).code !== 'QFH_TRANSPORT_DISCONNECTED') throw e;
  } finally {
    await t.close();
  }
  return parseRelayStatus(text);
}

/**
 * Connects to one of the relay's ports, retrying for `retryMs` while the script listens
 * again after the previous connection.
 */
export async function openRelayPort(
  relay: RelayAddress,
  port: number,
  retryMs = 5000,
): Promise<TcpTransport> {
  const deadline = Date.now() + retryMs;
  for (;;) {
    try {
      const t = await openTcpTransport(relay.host, port, { connectTimeoutMs: 5000 });
      return Object.assign(t, {});
    } catch (e) {
      if (Date.now() >= deadline) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
