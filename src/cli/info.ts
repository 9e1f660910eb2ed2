/**
 * `qfh info`: the chip identity a PBL gives in Sahara command mode (serial, HW ID, OEM
 * public-key hash), without uploading anything.
 *
 * @module
 */
import { readChipInfo } from '../sahara/client.js';
import { SimulatedModem } from '../sim/modem.js';
import { openDevice, parseDeviceSpec } from '../transport/select-device.js';
import { ExitCode } from './exit-codes.js';
import { toJsonText } from './json-output.js';
import type { CliOutput } from './output.js';
import type { SessionHooks } from './capture-option.js';

/** Runs `qfh info`. */
export async function runInfo(
  o: { device: string | undefined; json: boolean; waitSeconds: number; session?: SessionHooks },
  out: CliOutput,
): Promise<number> {
  const opened = await openDevice(parseDeviceSpec(o.device), {
    waitMs: o.waitSeconds * 1000,
    onWaiting: (m) => out.stderr(`${m}\n`),
    onNotice: (m) => out.stderr(`qfh: ${m}\n`),
    openSim: (profile) => new SimulatedModem({ profile }).connect(),
  });
  const transport = o.session?.wrap(opened) ?? opened;
  try {
    const info = await readChipInfo(transport);
    if (o.json) out.stdout(`${toJsonText({ device: transport.description, ...info })}\n`);
    else {
      const lines = [
        `${transport.description}: Sahara v${info.version}`,
        `  serial:   ${info.serial === undefined ? 'not given' : `0x${info.serial.toString(16).padStart(8, '0')}`}`,
        info.hwId
          ? `  HW ID:    ${info.hwId.hex} (MSM ID 0x${info.hwId.msmId.toString(16).padStart(6, '0')}, OEM 0x${info.hwId.oemId.toString(16).padStart(4, '0')}, model 0x${info.hwId.modelId.toString(16).padStart(4, '0')})`
          : '  HW ID:    not answered (Sahara v3 PBLs do not give it)',
        info.chipIdV3 ? `  chip ID:  ${info.chipIdV3.hwIdHex} (from READ_CHIP_ID_V3)` : undefined,
        `  PK hash:  ${info.pkHash ?? 'not given'}`,
      ].filter((l): l is string => l !== undefined);
      out.stdout(`${lines.join('\n')}\n`);
    }
    return ExitCode.OK;
  } finally {
    await transport.close();
  }
}
