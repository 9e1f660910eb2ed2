/**
 * `qfh fota FILE`: a delta (DFOTA) update over the AT port, checked end to end. The module's
 * identity before and after is printed, the upload's checksum compared before anything is
 * applied, and the update followed to its end code.
 *
 * @module
 */
import { access, readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { AtPort } from '../../at/at-port.js';
import { deltaUpdate } from '../../at/fota.js';
import { checkDeltaPackage } from '../../package/delta-package.js';
import { nativeCrc32 } from '../../package/native-crc32.js';
import { identifyModem, type ModemIdentity } from '../../at/identify.js';
import { TransportError, UsageError } from '../../errors.js';
import { SimulatedModem } from '../../sim/modem.js';
import { openDevice, type DeviceSpec } from '../../transport/select-device.js';
import type { Transport } from '../../transport/transport.js';
import { atDeviceSpec, resolveAtPort } from '../at-device.js';
import { defineCommand, type RunContext } from '../command.js';
import { ExitCode } from '../exit-codes.js';
import { DEVICE_HELP, withJson, withWait } from '../options.js';

/** Delta packages are tens of MB at most; AT+QFUPL takes the size up front and the checksum covers it all. */
const MAX_DELTA_BYTES = 256 * 1024 * 1024;

const label = (id: ModemIdentity): string => `${id.model} ${id.fullRevision ?? id.revision}`;

/** After END,0 a real module reboots: its tty disappears and comes back. */
async function reopenAfterReboot(
  spec: DeviceSpec,
  open: () => Promise<Transport>,
  c: { ctx: RunContext; waitSeconds: number },
): Promise<Transport | undefined> {
  if (spec.kind !== 'path') return open();
  const deadline = Date.now() + c.waitSeconds * 1000;
  await new Promise((r) => setTimeout(r, 3000));
  for (;;) {
    const ready = await access(spec.path).then(
      () => true,
      () => false,
    );
    if (ready) {
      const port = await open().catch((e: unknown) => {
        if (e instanceof TransportError) return undefined; // still enumerating
        throw e;
      });
      if (port) return port;
    }
    if (Date.now() > deadline) return undefined;
    c.ctx.out.stderr(`qfh: waiting for ${spec.path} to come back…\n`);
    await new Promise((r) => setTimeout(r, 2000));
  }
}

async function readDelta(file: string): Promise<Uint8Array> {
  const info = await stat(file).catch((e: unknown) => {
    throw new UsageError(
      'QFH_INPUT_UNREADABLE',
      `cannot read the delta package ${file}: ${(e as Error).message}`,
    );
  });
  if (!info.isFile()) throw new UsageError('QFH_INPUT_UNREADABLE', `${file} is not a file`);
  if (info.size > MAX_DELTA_BYTES)
    throw new UsageError(
      'QFH_USAGE',
      `${file} is ${info.size} bytes: not a delta package (a full firmware is flashed with qfh flash)`,
    );
  return new Uint8Array(await readFile(file));
}

export const fotaCommand = defineCommand({
  syntax: ['fota <file>'],
  describe:
    'Delta update over the AT port (AT+QFUPL + AT+QFOTADL): upload checked by checksum before it is applied',
  examples: [
    ['qfh fota ./EG25GGBR07A08M2G_30.006-30.007.zip --device /dev/ttyUSB2', 'a delta from Quectel'],
  ],
  options: (y) =>
    withWait(
      withJson(
        y
          .positional('file', {
            type: 'string',
            demandOption: true,
            describe: 'the delta package from Quectel',
          })
          .option('device', {
            type: 'string',
            describe: `the modem's AT port: ${DEVICE_HELP}`,
          }),
      ),
      120,
    ),
  run: async (argv, ctx) => {
    const named = atDeviceSpec(argv.device, 'fota');
    const data = await readDelta(argv.file);
    // Before the modem is even looked for: a file that is not a delta never reaches it.
    await checkDeltaPackage(data, { name: argv.file, crc32: nativeCrc32 });
    const spec = await resolveAtPort(named, { command: 'fota' });
    let sim: SimulatedModem | undefined;
    const open = (): Promise<Transport> =>
      openDevice(spec, {
        openSim: (profile) => (sim ??= new SimulatedModem({ profile, state: 'normal' })).connect(),
      });
    const before = await upload({ ctx, open, file: argv.file, data });
    const again = await reopenAfterReboot(spec, open, { ctx, waitSeconds: argv.wait });
    let after: ModemIdentity | undefined;
    if (again)
      try {
        after = await identifyModem(new AtPort(again));
      } finally {
        await again.close();
      }
    const changed =
      after !== undefined &&
      (after.fullRevision ?? after.revision) !== (before.fullRevision ?? before.revision);
    ctx.events.emit({
      event: 'result',
      command: 'fota',
      ok: true,
      exitCode: ExitCode.OK,
      data: { before, after: after ?? null, revisionChanged: changed },
    });
    if (!ctx.events.json) {
      ctx.out.stdout(
        `delta update applied: ${label(before)} -> ${after ? label(after) : 'modem not back yet'}\n`,
      );
      if (!after)
        ctx.out.stdout(`run \`qfh verify --device ${argv.device ?? ''}\` once the modem is back\n`);
      else if (!changed)
        ctx.out.stdout(
          'warning: the module reports the same revision as before; check AT+QGMR after its next reboot\n',
        );
    }
    return ExitCode.OK;
  },
});

async function upload(c: {
  ctx: RunContext;
  open: () => Promise<Transport>;
  file: string;
  data: Uint8Array;
}): Promise<ModemIdentity> {
  const { ctx } = c;
  const transport = await c.open();
  try {
    const port = new AtPort(transport);
    const before = await identifyModem(port);
    ctx.out.stderr(
      `qfh: ${label(before)}: uploading ${basename(c.file)} (${c.data.length} bytes)\n`,
    );
    let lastPercent = -1;
    await deltaUpdate(port, basename(c.file), c.data, {
      onProgress: (p) => {
        ctx.events.emit({ event: 'progress', ...p });
        if (ctx.events.json) return;
        if (
          p.phase === 'upload' &&
          (p.bytesDone === p.bytesTotal || p.bytesDone % (256 * 1024) === 0)
        )
          ctx.out.stderr(`qfh: uploaded ${p.bytesDone}/${p.bytesTotal} bytes\n`);
        else if (p.phase === 'updating' && p.percent !== lastPercent)
          ctx.out.stderr(`qfh: updating… ${(lastPercent = p.percent)}%\n`);
      },
    });
    return before;
  } finally {
    await transport.close();
  }
}
