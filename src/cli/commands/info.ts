/**
 * `qfh info`: the chip identity a PBL gives in Sahara command mode (serial, HW ID, OEM
 * public-key hash), without uploading anything.
 *
 * @module
 */
import { readChipInfo, type ChipInfo } from '../../sahara/client.js';
import { defineCommand } from '../command.js';
import { deviceSpec, openCliDevice, requireMode } from '../devices.js';
import { ExitCode } from '../exit-codes.js';
import { DEVICE_HELP, withJson, withWait } from '../options.js';

export const infoCommand = defineCommand({
  captures: true,
  syntax: ['info'],
  describe:
    "Read a modem's chip identity from its PBL (Sahara command mode: serial, HW ID, PK hash); uploads nothing",
  examples: [
    ['qfh info', 'the one modem in EDL'],
    ['qfh info --device sim:rm500q --json', 'the simulated RM500Q, as a JSON event'],
  ],
  options: (y) =>
    withWait(withJson(y.option('device', { type: 'string', describe: DEVICE_HELP })), 0),
  run: async (argv, ctx) => {
    const spec = deviceSpec(argv.device);
    requireMode(spec, {
      command: 'info',
      mode: 'edl',
      why: 'reads the PBL, which only answers in EDL',
      otherwise: 'or switch a real one with qfh flash',
    });
    const transport = await openCliDevice(spec, {
      out: ctx.out,
      waitSeconds: argv.wait,
      session: ctx.session,
    });
    try {
      const info = await readChipInfo(transport);
      ctx.events.emit({
        event: 'result',
        command: 'info',
        ok: true,
        exitCode: ExitCode.OK,
        data: { device: transport.description, ...info },
      });
      if (!ctx.events.json)
        ctx.out.stdout(`${renderInfo(transport.description, info).join('\n')}\n`);
      return ExitCode.OK;
    } finally {
      await transport.close();
    }
  },
});

function renderInfo(device: string, info: ChipInfo): string[] {
  const hex = (n: number, w: number): string => n.toString(16).padStart(w, '0');
  return [
    `${device}: Sahara v${info.version}`,
    `  serial:   ${info.serial === undefined ? 'not given' : `0x${info.serial.toString(16).padStart(8, '0')}`}`,
    info.hwId
      ? `  HW ID:    ${info.hwId.hex} (MSM ID 0x${hex(info.hwId.msmId, 6)}, OEM 0x${hex(info.hwId.oemId, 4)}, model 0x${hex(info.hwId.modelId, 4)})`
      : '  HW ID:    not answered (Sahara v3 PBLs do not give it)',
    ...(info.chipIdV3 ? [`  chip ID:  ${info.chipIdV3.hwIdHex} (from READ_CHIP_ID_V3)`] : []),
    `  PK hash:  ${info.pkHash ?? 'not given'}`,
  ];
}
