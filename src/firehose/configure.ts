/**
 * `<configure>` with payload negotiation (edl.md §2.3, captures.md §1.8): a NAK that names
 * MaxPayloadSizeToTargetInBytes is retried once with that size; an ACK that says more is
 * supported than was asked is re-sent once with the larger size (up to what qfh asked for).
 * A programmer that is still starting may answer late: an attempt that gets no answer is
 * sent again, and whichever answer arrives first is the answer (they ask the same thing);
 * the answers still owed are dropped before the next command (ResponseReader).
 *
 * @module
 */
import { FirehoseNakError } from '../errors.js';
import { configureCommand } from './commands.js';
import { FirehoseSilence, type Exchange, type ResponseReader } from './response-reader.js';
import { encodeDocument, type Attribute, type FirehoseElement } from './xml.js';
import type { Timeouts } from '../timeouts.js';

/** What the programmer agreed to in configure. */
export interface Negotiated {
  readonly memoryName: string;
  readonly payloadToTarget: number;
  readonly payloadToTargetSupported: number | undefined;
  readonly payloadFromTarget: number | undefined;
  readonly targetName: string | undefined;
  readonly attributes: readonly Attribute[];
}

/** What qfh asks for. */
export interface ConfigureRequest {
  readonly memoryName: string;
  readonly maxPayload: number;
  readonly skipStorageInit?: boolean;
}

/** The part of the client configure needs. */
export interface CommandSender {
  readonly timeouts: Timeouts;
  send(element: FirehoseElement, timeoutMs: number): Promise<void>;
}

const attr = (attributes: readonly Attribute[], name: string): string | undefined =>
  attributes.find(([k]) => k === name)?.[1];

/** Configures the programmer; see the module comment. */
export async function configure(
  client: CommandSender,
  reader: ResponseReader,
  o: ConfigureRequest,
): Promise<Negotiated> {
  const deadline = Date.now() + client.timeouts.firehoseStartup;
  let asked = o.maxPayload;
  let renegotiated = false;
  for (;;) {
    let ack: Exchange;
    try {
      ack = await attempt(client, reader, { ...o, maxPayload: asked }, deadline);
    } catch (e) {
      const offered =
        e instanceof FirehoseNakError
          ? Number(attr(e.attributes, 'MaxPayloadSizeToTargetInBytes'))
          : NaN;
      if (renegotiated || !(Number.isFinite(offered) && offered > 0 && offered < asked)) throw e;
      renegotiated = true;
      asked = offered;
      continue;
    }
    const agreed = Number(attr(ack.attributes, 'MaxPayloadSizeToTargetInBytes') ?? asked);
    const supported = Number(attr(ack.attributes, 'MaxPayloadSizeToTargetInBytesSupported') ?? NaN);
    if (
      Number.isFinite(supported) &&
      supported > agreed &&
      agreed < o.maxPayload &&
      !renegotiated
    ) {
      renegotiated = true; // one step up, never a loop
      asked = Math.min(supported, o.maxPayload);
      continue;
    }
    return negotiated(ack, o, agreed, supported);
  }
}

/** One configure: sent again on silence until the start-up deadline; the first answer wins. */
async function attempt(
  client: CommandSender,
  reader: ResponseReader,
  o: ConfigureRequest,
  deadline: number,
): Promise<Exchange> {
  const element = configureCommand({
    memoryName: o.memoryName,
    maxPayloadSizeToTargetInBytes: o.maxPayload,
    ...(o.skipStorageInit ? { skipStorageInit: 1 } : {}),
  });
  const wait = client.timeouts.configure;
  await client.send(element, wait);
  for (;;) {
    try {
      return await reader.awaitResponse('configure', wait);
    } catch (e) {
      if (!(e instanceof FirehoseSilence) || Date.now() + wait > deadline) throw e;
    }
    // Still silent: the programmer may be starting. Ask again without dropping the owed
    // answer: whichever comes first answers this configure, the other is dropped later.
    reader.throwIfAborted();
    // The earlier answer stays owed: the count already holds it, and this one replaces it.
    await reader.transport.write(encodeDocument([element]), { timeoutMs: wait });
  }
}

function negotiated(
  ack: Exchange,
  o: ConfigureRequest,
  agreed: number,
  supported: number,
): Negotiated {
  const from = attr(ack.attributes, 'MaxPayloadSizeFromTargetInBytes');
  return {
    memoryName: attr(ack.attributes, 'MemoryName') ?? o.memoryName,
    payloadToTarget: agreed,
    payloadToTargetSupported: Number.isFinite(supported) ? supported : undefined,
    payloadFromTarget: from === undefined ? undefined : Number(from),
    targetName: attr(ack.attributes, 'TargetName'),
    attributes: ack.attributes,
  };
}
