/**
 * A deliberately naive scripted host for simulator tests: raw writes, reads until silence,
 * and a hand-rolled Sahara upload. It is not qfh's client (the simulator must be checked by
 * something other than the code it will test).
 */
import {
  decodeSaharaPacket,
  encodeSaharaPacket,
  peekSaharaHeader,
  type SaharaPacket,
} from '../../src/sahara/index.js';
import { TransportClosedError, TransportTimeoutError } from '../../src/errors.js';
import type { Transport } from '../../src/transport/transport.js';

const utf8 = (b: Uint8Array): string => new TextDecoder().decode(b);

/**
 * Reads every transfer the device sends until it is quiet for `quietMs`, waiting up to
 * `firstMs` for the first one (a real programmer's banner comes about 1 s after DONE).
 */
export async function drain(
  link: Transport,
  quietMs = 30,
  firstMs = quietMs,
): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (;;) {
    try {
      out.push(await link.read(1 << 22, { timeoutMs: out.length === 0 ? firstMs : quietMs }));
    } catch (e) {
      if (e instanceof TransportTimeoutError || e instanceof TransportClosedError) return out;
      throw e;
    }
  }
}

/** Device transfers as text. */
export const texts = (transfers: readonly Uint8Array[]): string[] => transfers.map(utf8);

/** Reads one Sahara packet (the device sends each in its own transfer). */
export async function readPacket(link: Transport, timeoutMs = 500): Promise<SaharaPacket> {
  const bytes = await link.read(4096, { timeoutMs });
  const header = peekSaharaHeader(bytes);
  if (!header) throw new Error(`not a Sahara packet: ${Buffer.from(bytes).toString('hex')}`);
  return decodeSaharaPacket(bytes);
}

/** Sends a Sahara packet. */
export async function sendPacket(link: Transport, packet: SaharaPacket): Promise<void> {
  await link.write(encodeSaharaPacket(packet), { timeoutMs: 500 });
}

/** Uploads `programmer` by serving READ_DATA(_64) until END_IMAGE_TX; returns the reads and the status. */
export async function upload(
  link: Transport,
  programmer: Uint8Array,
  hello?: SaharaPacket,
): Promise<{ reads: [number, number][]; status: number }> {
  const first = hello ?? (await readPacket(link));
  if (first.type !== 'hello') throw new Error(`expected HELLO, got ${first.type}`);
  await sendPacket(link, {
    type: 'helloResponse',
    version: first.version,
    versionSupported: first.versionSupported,
    status: 0,
    mode: 0,
    reserved: [0, 0, 0, 0, 0, 0],
  });
  const reads: [number, number][] = [];
  for (;;) {
    const p = await readPacket(link);
    if (p.type === 'readData' || p.type === 'readData64') {
      const offset = Number(p.offset);
      const length = Number(p.length);
      reads.push([offset, length]);
      const piece = new Uint8Array(length);
      piece.set(programmer.subarray(offset, offset + length));
      await link.write(piece, { timeoutMs: 500 });
    } else if (p.type === 'endImageTx') {
      return { reads, status: p.status };
    } else throw new Error(`unexpected ${p.type}`);
  }
}

/** Upload, DONE, DONE_RESP: afterwards the programmer runs. Returns its banner transfers. */
export async function bootProgrammer(link: Transport, programmer: Uint8Array): Promise<string[]> {
  const { status } = await upload(link, programmer);
  if (status !== 0) throw new Error(`PBL rejected the programmer: status ${status}`);
  await sendPacket(link, { type: 'done' });
  const resp = await readPacket(link);
  if (resp.type !== 'doneResponse' || resp.imageTxStatus !== 1)
    throw new Error(`bad DONE_RESP ${JSON.stringify(resp)}`);
  return texts(await drain(link, 100, 3000));
}

/**
 * Sends one hand-written Firehose document and returns the device's transfers as text: all
 * that comes until the line is quiet once the answer has begun. The first transfer is waited
 * for as a real host would (a device in another process, on a busy machine, may take tens of
 * milliseconds to be scheduled at all).
 */
export async function xml(link: Transport, body: string, firstMs = 5_000): Promise<string[]> {
  await link.write(new TextEncoder().encode(`<?xml version="1.0" ?><data>${body}</data>`), {
    timeoutMs: 500,
  });
  return texts(await drain(link, 30, firstMs));
}

/** The `<response>` attributes in device transfers, read with a regex. */
export function responses(transfers: readonly string[]): Record<string, string>[] {
  return transfers
    .filter((t) => t.includes('<response'))
    .map((t) =>
      Object.fromEntries(
        [...t.slice(t.indexOf('<response')).matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
      ),
    );
}

/** The `<log>` values in device transfers. */
export function logs(transfers: readonly string[]): string[] {
  return transfers.flatMap((t) => [...t.matchAll(/<log value="([^"]*)"/g)].map((m) => m[1] ?? ''));
}
