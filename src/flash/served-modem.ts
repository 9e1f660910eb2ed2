/**
 * A modem behind a device server that carries whatever the modem is now on one connection
 * (`qfh simulate` over TCP, in EDL or in normal mode): which one is asked, not assumed. A PBL
 * says HELLO as the connection attaches it (or after RESET_STATE_MACHINE, when the HELLO went
 * out before anyone listened); an AT port says nothing until asked, and answers `AT` with
 * `OK`. Binary goes to the port first, as to any EDL device: an AT port ignores it, while
 * `AT` would put a PBL that missed its HELLO into an error. In normal mode the modem is then
 * reached as `flashFromNormalMode` wants it, each later port being a new connection once the
 * modem re-enumerated behind the server.
 *
 * @module
 */
import { DeviceNotFoundError, TransportClosedError, TransportTimeoutError } from '../errors.js';
import { SaharaCommand } from '../sahara/constants.js';
import { encodeSaharaPacket } from '../sahara/packets.js';
import { PushbackReader } from '../transport/pushback-reader.js';
import type { Transport } from '../transport/transport.js';
import type { Timeouts } from '../timeouts.js';
import type { NormalModeAccess } from './from-normal-mode.js';

/** What the server's connection turned out to carry. */
export type ServedModem =
  | { readonly mode: 'edl'; readonly transport: Transport }
  | {
      readonly mode: 'normal';
      readonly access: NormalModeAccess;
      /** Closes the connections the access opened. */
      readonly cleanup: () => Promise<void>;
    };

/** Options of {@link servedModem}. */
export interface ServedModemOptions {
  readonly timeouts: Pick<Timeouts, 'saharaHello' | 'atAnswer'>;
  /** Seconds to wait for the modem in EDL after the switch, and (at least 120) back after the update. */
  readonly waitSeconds: number;
  readonly onMessage?: ((line: string) => void) | undefined;
}

/** `transport`, reading `first` before anything more from the device. */
function withBytesFirst(transport: Transport, first: Uint8Array): Transport {
  let ahead = first;
  return {
    description: transport.description,
    ...(transport.byteStream ? { byteStream: true } : {}),
    read: async (max, o) => {
      if (ahead.length === 0) return transport.read(max, o);
      const out = ahead.subarray(0, max);
      ahead = ahead.subarray(out.length);
      return out;
    },
    write: (data, o) => transport.write(data, o),
    close: () => transport.close(),
  };
}

/** What the port says within `ms` (at least `least` bytes if it says that many), or nothing. */
async function said(
  reader: PushbackReader,
  ms: number,
  least = 1,
): Promise<Uint8Array | undefined> {
  let got = new Uint8Array(0);
  for (const end = Date.now() + ms; got.length < least && Date.now() < end;) {
    try {
      const more = await reader.readSome(end - Date.now());
      got = Uint8Array.from([...got, ...more]);
    } catch (e) {
      if (!(e instanceof TransportTimeoutError)) throw e;
      break;
    }
  }
  return got.length > 0 ? got : undefined;
}

/**
 * Whether bytes are EDL's: a PBL's HELLO or END_IMAGE_TX, or a programmer's XML. An AT port
 * that echoes (modems do by default) sends back the RESET_STATE_MACHINE it was sent, which is
 * a Sahara packet too, but one only a host sends.
 */
function edlSays(bytes: Uint8Array): boolean {
  if (bytes[0] === 0x3c) return true; // '<'
  const command =
    bytes.length >= 4 ? new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true) : -1;
  return command === SaharaCommand.HELLO || command === SaharaCommand.END_IMAGE_TX;
}

/**
 * What the connection carries: EDL (its bytes kept), an AT port (nothing binary came, and `AT`
 * got `OK`), or, when `ask` is false, `silent`: nothing came and nothing was sent.
 */
async function probe(
  reader: PushbackReader,
  o: ServedModemOptions & { ask: boolean },
): Promise<'edl' | 'normal' | 'silent'> {
  const t = o.timeouts;
  const nudges = o.ask
    ? [undefined, encodeSaharaPacket({ type: 'resetStateMachine' })]
    : [undefined];
  for (const nudge of nudges) {
    if (nudge) await reader.transport.write(nudge, { timeoutMs: t.saharaHello });
    const first = await said(reader, t.saharaHello, 4);
    if (first && edlSays(first)) {
      reader.unshift(first);
      return 'edl';
    }
  }
  if (!o.ask) return 'silent';
  // The CR first ends any line the binary began, for a modem that does not skip to "AT".
  await reader.transport.write(new TextEncoder().encode('\rAT\r'), { timeoutMs: t.atAnswer });
  let text = '';
  for (const end = Date.now() + t.atAnswer; Date.now() < end && !/\bOK\r?\n/.test(text);) {
    const more = await said(reader, end - Date.now());
    if (!more) break;
    text += new TextDecoder().decode(more);
  }
  return /\bOK\r?\n/.test(text) ? 'normal' : 'edl';
}

/** Opens connections until one carries the modem as `wanted`, within `seconds`. */
async function reconnect(
  open: () => Promise<Transport>,
  c: { wanted: 'edl' | 'normal'; seconds: number; what: string; o: ServedModemOptions },
): Promise<Transport> {
  const deadline = Date.now() + c.seconds * 1000;
  for (;;) {
    c.o.onMessage?.(`waiting for ${c.what}…`);
    // A connection made as the modem resets closes under the probe, and one made before the
    // server saw our last one go is refused as busy: the next one finds the modem's new self.
    // Nothing is sent to a silent connection: the server may attach it later to a PBL that
    // says HELLO then, and a RESET_STATE_MACHINE queued before it would make a second one.
    const ask = c.wanted === 'normal';
    const served = await servedPort(await open(), { ...c.o, ask }).catch((e: unknown) => {
      if (e instanceof TransportClosedError) return undefined;
      if (e instanceof DeviceNotFoundError && e.code === 'QFH_DEVICE_BUSY') return undefined;
      throw e;
    });
    if (served?.mode === c.wanted) return served.transport;
    await served?.transport.close();
    if (Date.now() > deadline)
      throw new DeviceNotFoundError(
        'QFH_NO_DEVICE',
        `${c.what} did not appear within ${c.seconds} s`,
        {
          hint:
            served?.mode === 'edl'
              ? 'The modem is in EDL (05c6:9008): run qfh edl-recover with the same package and --device.'
              : 'Check the device server (qfh simulate) is still running, then run the same command again.',
        },
      );
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function servedPort(
  transport: Transport,
  o: ServedModemOptions & { ask: boolean },
): Promise<{ mode: 'edl' | 'normal' | 'silent'; transport: Transport }> {
  const reader = new PushbackReader(transport);
  const mode = await probe(reader, o).catch(async (e: unknown) => {
    await transport.close();
    throw e;
  });
  return { mode, transport: withBytesFirst(transport, reader.takeBuffered()) };
}

/**
 * The modem on the connection `open` makes, in the mode it is in.
 * @throws TransportError when the server cannot be reached.
 */
export async function servedModem(
  open: () => Promise<Transport>,
  o: ServedModemOptions,
): Promise<ServedModem> {
  const first = await servedPort(await open(), { ...o, ask: true });
  if (first.mode !== 'normal') return { mode: 'edl', transport: first.transport };
  o.onMessage?.(`${first.transport.description}: an AT port (the modem is in normal mode)`);
  const at = first.transport;
  const opened: Transport[] = [at];
  const again = async (wanted: 'edl' | 'normal', seconds: number, what: string) => {
    // The server carries one connection: the one before must go for the next to attach.
    await Promise.all(opened.map((t) => t.close().catch(() => undefined)));
    const next = await reconnect(open, { wanted, seconds, what, o });
    opened.push(next);
    return next;
  };
  return {
    mode: 'normal',
    access: {
      at,
      diag: at,
      openEdl: () => again('edl', o.waitSeconds, 'the modem in EDL (05c6:9008)'),
      reopenAt: () => again('normal', Math.max(o.waitSeconds, 120), 'the modem to come back'),
    },
    cleanup: async () => {
      await Promise.all(opened.map((t) => t.close().catch(() => undefined)));
    },
  };
}
