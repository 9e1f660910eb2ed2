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

/** Where the relay is, and the one-time token it printed when it started. */
export interface RelayAddress {
  readonly host: string;
  readonly ports: RelayPorts;
  /** Sent as the first line of every connection: the relay closes any other. */
  readonly token: string;
}

/** The default base port, QFirehose's `-p IP:9008` convention. */
export const RELAY_BASE_PORT = 9008;

/** How the relay is given on the command line (`TOKEN@HOST`, `:PORT` when not 9008). */
export function relayArgument(relay: RelayAddress): string {
  const host = relay.host.includes(':') ? `[${relay.host}]` : relay.host;
  const port = relay.ports.edl === RELAY_BASE_PORT ? '' : `:${relay.ports.edl}`;
  return `${relay.token}@${host}${port}`;
}

/** Parses `--relay TOKEN@HOST[:BASEPORT]` (an IPv6 host in brackets). */
export function parseRelayAddress(text: string): RelayAddress {
  const m = /^(?:([A-Za-z0-9_-]+)@)?(?:\[([^\]]+)\]|([^:[\]@]+))(?::(\d+))?$/.exec(text.trim());
  const token = m?.[1];
  const host = m?.[2] ?? m?.[3];
  const base = Number(m?.[4] ?? RELAY_BASE_PORT);
  if (!host || !Number.isInteger(base) || base < 1 || base > 65532)
    throw new TransportError(
      'QFH_RELAY_PROTOCOL',
      `--relay "${text}" is not TOKEN@HOST or TOKEN@HOST:PORT`,
      { hint: RELAY_TOKEN_HINT },
    );
  if (!token)
    throw new TransportError('QFH_RELAY_PROTOCOL', `--relay "${text}" has no token`, {
      hint: RELAY_TOKEN_HINT,
    });
  return { host, token, ports: { edl: base, diag: base + 1, at: base + 2, status: base + 3 } };
}

const RELAY_TOKEN_HINT =
  'Start the relay on the router (sh qfh-relay.sh): its first line ends with the whole argument, e.g. --relay 3f9c2e0b7d41a6c58e90@192.168.1.1.';

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

/** Parses the status line (`qfh-relay 2 state=normal at=ttyUSB2 …`). */
export function parseRelayStatus(text: string): RelayStatus {
  const line = text.trim().split('\n').at(-1)?.trim() ?? '';
  if (!line.startsWith('qfh-relay 2 '))
    throw new TransportError(
      'QFH_RELAY_PROTOCOL',
      line === ''
        ? 'the relay closed the status connection without a word: its token is not the one given, or it serves another PC'
        : `the relay's status port answered "${line.slice(0, 80)}", not a qfh relay status`,
      {
        hint: 'Give the --relay argument the relay printed when it started (its token changes at every start), from this PC, and the script printed by `qfh relay-script` of this qfh version.',
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

/** Sends `request` to the status port and reads its answer to the end. */
async function askStatusPort(relay: RelayAddress, request: 'status' | 'done'): Promise<string> {
  const t = await openTcpTransport(relay.host, relay.ports.status);
  await t.write(new TextEncoder().encode(`${relay.token}\n${request}\n`), { timeoutMs: 5000 });
  let text = '';
  try {
    for (;;) text += Buffer.from(await t.read(4096, { timeoutMs: 5000 })).toString('utf8');
  } catch (e) {
    if ((e as { code?: string }).code !== 'QFH_TRANSPORT_DISCONNECTED') throw e;
  } finally {
    await t.close();
  }
  return text;
}

/** Reads the relay's status once. */
export async function readRelayStatus(relay: RelayAddress): Promise<RelayStatus> {
  return parseRelayStatus(await askStatusPort(relay, 'status'));
}

/** Tells the relay the session is over: it stops listening. Resolves whether it said goodbye. */
export async function endRelaySession(relay: RelayAddress): Promise<boolean> {
  return askStatusPort(relay, 'done').then(
    (text) => text.includes('qfh-relay 2 bye'),
    () => false,
  );
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
      await t.write(new TextEncoder().encode(`${relay.token}\n`), { timeoutMs: 5000 });
      return t;
    } catch (e) {
      if (Date.now() >= deadline) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
