/**
 * The host side of Sahara: uploads a programmer (serving READ_DATA and READ_DATA_64 by
 * offset, in whatever order the PBL asks) and notices when a programmer is already running
 * (XML where a HELLO was expected). Waits come from the timeouts table. Written from
 * research/edl.md and captures.md.
 *
 * @module
 */
import { SaharaProtocolError } from '../errors.js';
import type { Transport } from '../transport/transport.js';
import { SaharaImageTxStatus, SaharaMode, saharaStatusInfo } from './constants.js';
import {
  awaitHello,
  PacketReader,
  saharaTimeouts,
  type Hello,
  type SaharaTimeouts,
} from './packet-reader.js';

export { saharaTimeouts, type SaharaTimeouts } from './packet-reader.js';
import { helloResponse, type SaharaPacket } from './packets.js';
import { readWindow } from '../read-window.js';

export { readChipInfo, type ChipInfo, type ChipInfoOptions } from './chip-info.js';

/** Random access to the programmer file. */
export interface ProgrammerSource {
  readonly size: number;
  read(position: number, length: number): Promise<Uint8Array>;
}

/** A programmer file opened for upload: its bytes, and the file to close after. */
export type OpenedProgrammer = ProgrammerSource & { close(): Promise<void> };

/** Progress of an upload. */
export interface SaharaProgress {
  readonly phase: 'sahara';
  readonly bytesServed: number;
  readonly programmerSize: number;
}

/** Options for {@link uploadProgrammer}. */
export interface UploadOptions {
  /** @default the timeouts table's Sahara entries */
  timeouts?: SaharaTimeouts;
  /** Accept DONE_RESP "pending" (RM520N-GL sends it for images that did transfer; fwupd PR #10582). @default true */
  acceptPendingDone?: boolean;
  onProgress?: (p: SaharaProgress) => void;
  /** Ends the waits for the PBL early. */
  signal?: AbortSignal;
}

/** How an upload went. */
export interface UploadResult {
  /** `true` when a programmer was already running and no upload was needed. */
  readonly alreadyRunning: boolean;
  readonly version: number | undefined;
  readonly readData64: boolean;
  readonly requests: number;
  readonly bytesServed: number;
  /** Bytes read past the end of Sahara (the programmer's first words); hand them to Firehose. */
  readonly leftover: Uint8Array;
}

/**
 * Uploads a Firehose programmer through Sahara.
 * @throws SaharaProtocolError with the PBL's status name when it refuses the programmer.
 */
export async function uploadProgrammer(
  transport: Transport,
  programmer: ProgrammerSource,
  options: UploadOptions = {},
): Promise<UploadResult> {
  const t = options.timeouts ?? saharaTimeouts();
  const packets = new PacketReader(transport, options.signal);
  const hello = await awaitHello(packets, t.saharaHello);
  if (hello === 'firehose')
    return {
      alreadyRunning: true,
      version: undefined,
      readData64: false,
      requests: 0,
      bytesServed: 0,
      leftover: packets.reader.takeBuffered(),
    };
  // Answer with the target's own version, as edl and QFirehose do.
  const { version, versionSupported } = hello;
  const mode = SaharaMode.IMAGE_TX_PENDING;
  await packets.send(helloResponse({ version, versionSupported, mode }), t.saharaPacket);
  const served = { requests: 0, bytesServed: 0, readData64: false };
  const source = {
    size: programmer.size,
    // The PBL's 4 KiB requests, mostly in order: one read of the file per 256 KiB.
    read: readWindow(programmer.size, (at, n) => programmer.read(at, n), 256 * 1024),
  };
  for (;;) {
    const p = await packets.next(t.saharaPacket);
    if (p.type === 'readData' || p.type === 'readData64') {
      await serve(packets, p, { programmer: source, t, served, options });
    } else if (p.type === 'endImageTx') {
      await finish(packets, p, { hello, t, options });
      const leftover = packets.reader.takeBuffered();
      return { alreadyRunning: false, version: hello.version, ...served, leftover };
    } else {
      throw new SaharaProtocolError(
        'QFH_SAHARA_UNEXPECTED',
        `unexpected ${p.type} during the programmer upload`,
      );
    }
  }
}

type ReadRequest = Extract<SaharaPacket, { type: 'readData' | 'readData64' }>;

async function serve(
  packets: PacketReader,
  p: ReadRequest,
  c: {
    programmer: ProgrammerSource;
    t: SaharaTimeouts;
    served: { requests: number; bytesServed: number; readData64: boolean };
    options: UploadOptions;
  },
): Promise<void> {
  c.served.readData64 ||= p.type === 'readData64';
  const offset = Number(p.offset);
  const length = Number(p.length);
  if (offset + length > c.programmer.size) {
    throw new SaharaProtocolError(
      'QFH_SAHARA_OUT_OF_RANGE',
      `the PBL asked for bytes ${offset}..${offset + length} of a ${c.programmer.size}-byte programmer`,
      {
        hint: 'This programmer is not the one this chip expects (it is too short for what the PBL reads). Use the prog_*firehose* file of the firmware for this modem.',
      },
    );
  }
  const data = await c.programmer.read(offset, length);
  await packets.transport.write(data, { timeoutMs: c.t.saharaPacket });
  c.served.requests++;
  c.served.bytesServed += length;
  c.options.onProgress?.({
    phase: 'sahara',
    bytesServed: c.served.bytesServed,
    programmerSize: c.programmer.size,
  });
}

async function finish(
  packets: PacketReader,
  p: Extract<SaharaPacket, { type: 'endImageTx' }>,
  c: { hello: Hello; t: SaharaTimeouts; options: UploadOptions },
): Promise<void> {
  if (p.status !== 0) {
    const { name, meaning } = saharaStatusInfo(p.status);
    throw new SaharaProtocolError(
      'QFH_SAHARA_REJECTED',
      `the PBL refused the programmer: ${name} (0x${p.status.toString(16)}, ${meaning})`,
      {
        status: p.status,
        hint: /HASH|AUTH|ELF/.test(name)
          ? 'The programmer is not signed for this chip (secure boot) or is damaged. Use the prog_*firehose* file shipped with firmware for this exact modem.'
          : 'Power-cycle the modem so its PBL starts over, then try again.',
      },
    );
  }
  await packets.send({ type: 'done' }, c.t.saharaPacket);
  const done = await packets.next(c.t.saharaPacket);
  if (done.type !== 'doneResponse')
    throw new SaharaProtocolError(
      'QFH_SAHARA_UNEXPECTED',
      `expected DONE_RESP, the device sent ${done.type}`,
    );
  if (done.imageTxStatus !== SaharaImageTxStatus.COMPLETE && !(c.options.acceptPendingDone ?? true))
    throw new SaharaProtocolError(
      'QFH_SAHARA_UNEXPECTED',
      'the PBL says more images are pending after the programmer',
    );
}
