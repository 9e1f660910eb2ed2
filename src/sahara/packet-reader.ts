/**
 * Whole Sahara packets from a transport that promises nothing about transfer boundaries,
 * and the HELLO wait every Sahara session starts with (a missed HELLO is recovered with
 * RESET_STATE_MACHINE; XML where a HELLO was expected means a programmer is already running).
 *
 * @module
 */
import { SaharaPacketError, SaharaProtocolError, TransportTimeoutError } from '../errors.js';
import { PushbackReader } from '../transport/pushback-reader.js';
import { timeoutsFor, type Timeouts } from '../timeouts.js';
import type { Transport } from '../transport/transport.js';
import { saharaStatusInfo } from './constants.js';
import {
  SAHARA_HEADER_LENGTH,
  decodeSaharaPacket,
  encodeSaharaPacket,
  peekSaharaHeader,
  type SaharaPacket,
} from './packets.js';
import { toHex } from '../bytes.js';

/** The table entries Sahara waits by. */
export type SaharaTimeouts = Pick<Timeouts, 'saharaHello' | 'saharaPacket'>;

/** The Sahara waits of the table (they do not depend on the storage kind). */
export function saharaTimeouts(overrides: Partial<Timeouts> = {}): SaharaTimeouts {
  return timeoutsFor('nand', overrides);
}

/** Thrown inside the client when XML arrives where Sahara was expected. */
export class FirehoseRunning extends Error {}

/** Reads whole Sahara packets, tolerating split and joined transfers. */
export class PacketReader {
  readonly reader: PushbackReader;

  constructor(
    readonly transport: Transport,
    signal?: AbortSignal,
  ) {
    this.reader = new PushbackReader(transport, { signal });
  }

  async next(timeoutMs: number): Promise<SaharaPacket> {
    const header = await this.reader.readExact(SAHARA_HEADER_LENGTH, timeoutMs);
    if (header[0] === 0x3c /* '<' */) {
      this.reader.unshift(header);
      throw new FirehoseRunning();
    }
    const length = peekSaharaHeader(header)?.length ?? 0;
    if (length < SAHARA_HEADER_LENGTH || length > 0x1000) {
      throw new SaharaPacketError(
        'QFH_SAHARA_BAD_LENGTH',
        `Sahara packet length ${length} from the device is impossible (bytes ${toHex(header)})`,
      );
    }
    const rest = await this.reader.readExact(length - SAHARA_HEADER_LENGTH, timeoutMs);
    const whole = new Uint8Array(length);
    whole.set(header);
    whole.set(rest, SAHARA_HEADER_LENGTH);
    return decodeSaharaPacket(whole);
  }

  /** Sends one packet. */
  async send(packet: SaharaPacket, timeoutMs: number): Promise<void> {
    await this.transport.write(encodeSaharaPacket(packet), { timeoutMs });
  }
}

/** The HELLO packet. */
export type Hello = Extract<SaharaPacket, { type: 'hello' }>;

/** Waits for HELLO; on silence resets the PBL's state machine once (a missed HELLO). */
export async function awaitHello(
  packets: PacketReader,
  timeoutMs: number,
): Promise<Hello | 'firehose'> {
  for (let attempt = 0; attempt < 2; attempt++) {
    let p: SaharaPacket;
    try {
      p = await packets.next(timeoutMs);
    } catch (e) {
      if (e instanceof FirehoseRunning) return 'firehose';
      if (!(e instanceof TransportTimeoutError)) throw e;
      if (attempt === 1) throw noHello(timeoutMs, e);
      // The HELLO went out before we listened: ask the PBL to start over (Sahara 2.9+).
      await packets.send({ type: 'resetStateMachine' }, timeoutMs);
      continue;
    }
    if (p.type === 'hello') return p;
    if (p.type === 'endImageTx')
      throw new SaharaProtocolError(
        'QFH_SAHARA_UNEXPECTED',
        `the PBL reported ${saharaStatusInfo(p.status).name} before any HELLO`,
        { status: p.status },
      );
    throw new SaharaProtocolError(
      'QFH_SAHARA_UNEXPECTED',
      `expected HELLO, the device sent ${p.type}`,
    );
  }
  throw noHello(timeoutMs, undefined);
}

function noHello(timeoutMs: number, cause: unknown): SaharaProtocolError {
  return new SaharaProtocolError(
    'QFH_SAHARA_NO_HELLO',
    `no Sahara HELLO within ${timeoutMs} ms, even after RESET_STATE_MACHINE`,
    {
      cause,
      hint: 'The PBL sends HELLO once, when it enumerates: power-cycle the modem (or unplug and replug it), wait until it shows as 05c6:9008, then run the same qfh command again.',
    },
  );
}
