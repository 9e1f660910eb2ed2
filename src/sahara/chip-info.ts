/**
 * Chip identity from a PBL in Sahara command mode: serial, HW ID and OEM public-key hash
 * (and READ_CHIP_ID_V3 on v3 PBLs). The PBL is switched back to image transfer afterwards
 * so an upload can follow.
 *
 * @module
 */
import { SaharaProtocolError } from '../errors.js';
import type { Transport } from '../transport/transport.js';
import { SaharaExecCommand, SaharaMode } from './constants.js';
import {
  decodeChipIdV3,
  decodeMsmHwId,
  decodePkHash,
  decodeSerial,
  type ChipIdV3,
  type MsmHwId,
} from './exec-data.js';
import { awaitHello, PacketReader, saharaTimeouts, type SaharaTimeouts } from './packet-reader.js';

/** Identity a PBL gives in command mode. */
export interface ChipInfo {
  readonly version: number;
  readonly serial: bigint | undefined;
  readonly hwId: MsmHwId | undefined;
  readonly pkHash: string | undefined;
  readonly chipIdV3: ChipIdV3 | undefined;
}

/** Options for {@link readChipInfo}. */
export interface ChipInfoOptions {
  /** @default the timeouts table's Sahara entries */
  readonly timeouts?: SaharaTimeouts;
  readonly signal?: AbortSignal;
}

const Z6 = [0, 0, 0, 0, 0, 0] as const;

/** Reads the chip identity in command mode; see the module comment. */
export async function readChipInfo(
  transport: Transport,
  options: ChipInfoOptions = {},
): Promise<ChipInfo> {
  const t = options.timeouts ?? saharaTimeouts();
  const timeout = t.saharaPacket;
  const packets = new PacketReader(transport, options.signal);
  const hello = await awaitHello(packets, t.saharaHello);
  if (hello === 'firehose')
    throw new SaharaProtocolError(
      'QFH_SAHARA_UNEXPECTED',
      'a Firehose programmer is already running; chip info is only available from the PBL',
      { hint: 'Power-cycle the modem so it returns to the PBL, then run qfh info again.' },
    );
  const { version, versionSupported } = hello;
  await packets.send(
    {
      type: 'helloResponse',
      version,
      versionSupported,
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
    await packets.send({ type: 'execute', clientCommand: command }, timeout);
    const rsp = await packets.next(timeout);
    if (rsp.type === 'endImageTx') return undefined; // refused: v3 PBLs do not answer MSM_HW_ID_READ
    if (rsp.type !== 'executeResponse' || rsp.clientCommand !== command)
      throw new SaharaProtocolError(
        'QFH_SAHARA_COMMAND_FAILED',
        `EXECUTE ${command} got ${rsp.type}`,
      );
    await packets.send({ type: 'executeData', clientCommand: command }, timeout);
    return packets.reader.readExact(rsp.dataLength, timeout);
  };
  const serial = await exec(SaharaExecCommand.SERIAL_NUM_READ);
  const hw = version < 3 ? await exec(SaharaExecCommand.MSM_HW_ID_READ) : undefined;
  const pk = await exec(SaharaExecCommand.OEM_PK_HASH_READ);
  const v3 = version >= 3 ? await exec(SaharaExecCommand.READ_CHIP_ID_V3) : undefined;
  await packets.send({ type: 'switchMode', mode: SaharaMode.IMAGE_TX_PENDING }, timeout);
  return {
    version,
    serial: serial ? decodeSerial(serial) : undefined,
    hwId: hw ? decodeMsmHwId(hw) : undefined,
    pkHash: pk ? decodePkHash(pk) : undefined,
    chipIdV3: v3 ? decodeChipIdV3(v3) : undefined,
  };
}
