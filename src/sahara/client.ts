/**
 * The host side of Sahara: uploads a programmer (serving READ_DATA and READ_DATA_64 by
 * offset, in whatever order the PBL asks), reads chip identity in command mode, recovers
 * from a missed HELLO with RESET_STATE_MACHINE, and notices when a programmer is already
 * running (XML where a HELLO was expected). Written from research/edl.md and captures.md.
 *
 * @module
 */
import { SaharaPacketError, SaharaProtocolError, TransportTimeoutError } from '../errors.js';
import { PushbackReader } from '../transport/pushback-reader.js';
import type { Transport } from '../transport/transport.js';
import {
  SaharaExecCommand,
  SaharaImageTxStatus,
  SaharaMode,
  saharaStatusInfo,
} from './constants.js';
import {
  decodeChipIdV3,
  decodeMsmHwId,
  decodePkHash,
  decodeSerial,
  type ChipIdV3,
  type MsmHwId,
} from './exec-data.js';
import {
  SAHARA_HEADER_LENGTH,
  decodeSaharaPacket,
  encodeSaharaPacket,
  helloResponse,
  peekSaharaHeader,
  type SaharaPacket,
} from './packets.js';

/** Random access to the programmer file. */
export interface ProgrammerSource {
  readonly size: number;
  read(position: number, length: number): Promise<Uint8Array>;
}

/** Progress of an upload. */
export interface SaharaProgress {
  readonly phase: 'sahara';
  readonly bytesServed: number;
  readonly programmerSize: number;
}

/** Options for {@link uploadProgrammer}. */
export interface UploadOptions {
  /** @default 3000 */
  helloTimeoutMs?: number;
  /** @default 5000 */
  packetTimeoutMs?: number;
  /** Accept DONE_RESP "pending" (RM520N-GL sends it for images that did transfer; fwupd PR #10582). @default true */
  acceptPendingDone?: boolean;
  onProgress?: (p: SaharaProgress) => void;
}

/** How an upload went. */
export interface UploadResult {
  /** `true` when a programmer was already running and no upload was needed. */
  readonly alreadyRunning: boolean;
  readonly version: number | undefined;
  readonly readData64: boolean;
  readonly requests: number;
  readonly bytesServed: number;
}

const Z6 = [0, 0, 0, 0, 0, 0] as const;

/** Reads whole Sahara packets from a transport, tolerating split and joined transfers. */
class PacketReader {
  constructor(readonly reader: PushbackReader) {}

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
        `Sahara packet length ${length} from the device is impossible (bytes ${Buffer.from(header).toString('hex')})`,
      );
    }
    const rest = await this.reader.readExact(length - SAHARA_HEADER_LENGTH, timeoutMs);
    const whole = new Uint8Array(length);
    whole.set(header);
    whole.set(rest, SAHARA_HEADER_LENGTH);
    return decodeSaharaPacket(whole);
  }
}

/** Thrown inside the client when XML arrives where Sahara was expected. */
class FirehoseRunning extends Error {}

async function send(transport: Transport, packet: SaharaPacket, timeoutMs: number): Promise<void> {
  await transport.write(encodeSaharaPacket(packet), { timeoutMs });
}

/** Waits for HELLO; on silence resets the PBL's state machine once (a missed HELLO). */
async function awaitHello(
  transport: Transport,
  packets: PacketReader,
  timeoutMs: number,
): Promise<Extract<SaharaPacket, { type: 'hello' }> | 'firehose'> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const p = await packets.next(timeoutMs);
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
    } catch (e) {
      if (e instanceof FirehoseRunning) return 'firehose';
      if (!(e instanceof TransportTimeoutError) || attempt === 1) {
        if (e instanceof TransportTimeoutError) {
          throw new SaharaProtocolError(
            'QFH_SAHARA_NO_HELLO',
            `no Sahara HELLO within ${timeoutMs} ms, even after RESET_STATE_MACHINE`,
            {
              cause: e,
              hint: 'The PBL sends HELLO once, when it enumerates. Unplug and replug the modem (or power-cycle it) and start qfh right away.',
            },
          );
        }
        throw e;
      }
      // The HELLO went out before we listened: ask the PBL to start over (Sahara 2.9+).
      await send(transport, { type: 'resetStateMachine' }, timeoutMs);
    }
  }
  throw new Error('unreachable');
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
  const packetTimeout = options.packetTimeoutMs ?? 5000;
  const reader = new PushbackReader(transport);
  const packets = new PacketReader(reader);
  const hello = await awaitHello(transport, packets, options.helloTimeoutMs ?? 3000);
  if (hello === 'firehose')
    return {
      alreadyRunning: true,
      version: undefined,
      readData64: false,
      requests: 0,
      bytesServed: 0,
    };
  // Answer with the target's own version, as edl and QFirehose do.
  await send(
    transport,
    helloResponse({
      version: hello.version,
      versionSupported: hello.versionSupported,
      mode: SaharaMode.IMAGE_TX_PENDING,
    }),
    packetTimeout,
  );
  let requests = 0;
  let bytesServed = 0;
  let readData64 = false;
  for (;;) {
    const p = await packets.next(packetTimeout);
    if (p.type === 'readData' || p.type === 'readData64') {
      readData64 ||= p.type === 'readData64';
      const offset = Number(p.offset);
      const length = Number(p.length);
      if (offset + length > programmer.size) {
        throw new SaharaProtocolError(
          'QFH_SAHARA_OUT_OF_RANGE',
          `the PBL asked for bytes ${offset}..${offset + length} of a ${programmer.size}-byte programmer`,
          {
            hint: 'This programmer is not the one this chip expects (it is too short for what the PBL reads). Use the prog_*firehose* file of the firmware for this modem.',
          },
        );
      }
      const data = await programmer.read(offset, length);
      await transport.write(data, { timeoutMs: packetTimeout });
      requests++;
      bytesServed += length;
      options.onProgress?.({ phase: 'sahara', bytesServed, programmerSize: programmer.size });
    } else if (p.type === 'endImageTx') {
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
      await send(transport, { type: 'done' }, packetTimeout);
      const done = await packets.next(packetTimeout);
      if (done.type !== 'doneResponse')
        throw new SaharaProtocolError(
          'QFH_SAHARA_UNEXPECTED',
          `expected DONE_RESP, the device sent ${done.type}`,
        );
      if (
        done.imageTxStatus !== SaharaImageTxStatus.COMPLETE &&
        !(options.acceptPendingDone ?? true)
      ) {
        throw new SaharaProtocolError(
          'QFH_SAHARA_UNEXPECTED',
          'the PBL says more images are pending after the programmer',
        );
      }
      return { alreadyRunning: false, version: hello.version, readData64, requests, bytesServed };
    } else {
      throw new SaharaProtocolError(
        'QFH_SAHARA_UNEXPECTED',
        `unexpected ${p.type} during the programmer upload`,
      );
    }
  }
}

/** Identity a PBL gives in command mode. */
export interface ChipInfo {
  readonly version: number;
  readonly serial: bigint | undefined;
  readonly hwId: MsmHwId | undefined;
  readonly pkHash: string | undefined;
  readonly chipIdV3: ChipIdV3 | undefined;
}

/**
 * Reads serial, HW ID and PK hash in command mode (and READ_CHIP_ID_V3 on v3 PBLs), then
 * switches the PBL back to image transfer so an upload can follow.
 */
export async function readChipInfo(
  transport: Transport,
  options: { helloTimeoutMs?: number; packetTimeoutMs?: number } = {},
): Promise<ChipInfo> {
  const timeout = options.packetTimeoutMs ?? 5000;
  const reader = new PushbackReader(transport);
  const packets = new PacketReader(reader);
  const hello = await awaitHello(transport, packets, options.helloTimeoutMs ?? 3000);
  if (hello === 'firehose')
    throw new SaharaProtocolError(
      'QFH_SAHARA_UNEXPECTED',
      'a Firehose programmer is already running; chip info is only available from the PBL',
      { hint: 'Power-cycle the modem so it returns to the PBL, then run qfh info again.' },
    );
  await send(
    transport,
    {
      type: 'helloResponse',
      version: hello.version,
      versionSupported: hello.versionSupported,
      status: 0,
      mode: SaharaMode.COMMAND,
      reserved: Z6,
    },
    timeout,
  );
  const ready = await packets.next(timeout);
  if (ready.type !== 'commandReady')
    throw new SaharaProtocolError(
      'QFH_SAHARA_UNEXPECTED',
      `this PBL does not offer command mode (it sent ${ready.type})`,
    );
  const exec = async (command: number): Promise<Uint8Array | undefined> => {
    await send(transport, { type: 'execute', clientCommand: command }, timeout);
    const rsp = await packets.next(timeout);
    if (rsp.type === 'endImageTx') return undefined; // refused: v3 PBLs do not answer MSM_HW_ID_READ
    if (rsp.type !== 'executeResponse' || rsp.clientCommand !== command)
      throw new SaharaProtocolError(
        'QFH_SAHARA_COMMAND_FAILED',
        `EXECUTE ${command} got ${rsp.type}`,
      );
    await send(transport, { type: 'executeData', clientCommand: command }, timeout);
    return reader.readExact(rsp.dataLength, timeout);
  };
  const serial = await exec(SaharaExecCommand.SERIAL_NUM_READ);
  const hw = hello.version < 3 ? await exec(SaharaExecCommand.MSM_HW_ID_READ) : undefined;
  const pk = await exec(SaharaExecCommand.OEM_PK_HASH_READ);
  const v3 = hello.version >= 3 ? await exec(SaharaExecCommand.READ_CHIP_ID_V3) : undefined;
  await send(transport, { type: 'switchMode', mode: SaharaMode.IMAGE_TX_PENDING }, timeout);
  return {
    version: hello.version,
    serial: serial ? decodeSerial(serial) : undefined,
    hwId: hw ? decodeMsmHwId(hw) : undefined,
    pkHash: pk ? decodePkHash(pk) : undefined,
    chipIdV3: v3 ? decodeChipIdV3(v3) : undefined,
  };
}
