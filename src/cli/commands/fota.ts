/**
 * `qfh fota FILE`: a delta (DFOTA) update over the AT port, checked end to end. The module's
 * identity before and after is printed, the upload's checksum compared before anything is
 * applied, and the update followed to its end code.
 *
 * @module
 */
import { access, readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { AtPort } from '../at/at-port.js';
import { deltaUpdate } from '../at/fota.js';
import { identifyModem, type ModemIdentity } from '../at/identify.js';
import { SimulatedModem } from '../sim/modem.js';
import { openDevice, parseDeviceSpec, type DeviceSpec } from '../transport/select-device.js';
import type { Transport } from '../transport/transport.js';
import { UsageError } from '../errors.js';
import { ExitCode } from './exit-codes.js';
import type { CliOutput } from './output.js';

/** Delta packages are tens of MB at most; AT+QFUPL takes the size up front and the checksum covers it all. */
const MAX_DELTA_BYTES = 256 * 1024 * 1024;

const label = (id: ModemIdentity): string => `${id.model} ${id.fullRevision ?? id.revision}`;

/** After END,0 a real module reboots: its tty disappears and comes back. */
async function reopenAfterReboot(
  spec: DeviceSpec,
  open: () => Promise<Transport>,
  out: CliOutput,
  waitSeconds: number,
): Promise<Transport | undefined> {
  if (spec.kind !== 'path') return open();
  const deadline = Date.now() + waitSeconds * 1000;
  await new Promise((r) => setTimeout(r, 3000));
  for (;;) {
    const ready = await access(spec.path).then(
      () => true,
      () => false,
    );
    if (ready) {
      try {
        return await open();
      } catch {
        // still enumerating; try again below
      }
    }
    if (Date.now() > deadline) return undefined;
    out.stderr(`qfh: waiting for ${spec.path} to come back…\n`);
    await new Promise((r) => setTimeout(r, 2000));
  }
}

/** Runs `qfh fota`. */
export async function runFota(
  o: { file: string; device: string | undefined; json: boolean; waitSeconds: number },
  out: CliOutput,
): Promise<number> {
  const spec = parseDeviceSpec(o.device ?? '');
  if (spec.kind === 'usb')
    throw new UsageError(
      'QFH_USAGE',
      'qfh fota talks to the AT port: --device /dev/ttyUSB2 (qfh list shows it), or sim:PROFILE:normal',
    );
  const size = (await stat(o.file)).size;
  if (size > MAX_DELTA_BYTES)
    throw new UsageError(
      'QFH_USAGE',
      `${o.file} is ${size} bytes: not a delta package (a full firmware is flashed with qfh flash)`,
    );
  const data = new Uint8Array(await readFile(o.file));
  let sim: SimulatedModem | undefined;
  const open = (): Promise<Transport> =>
    openDevice(spec, {
      openSim: (profile) => {
        sim ??= new SimulatedModem({ profile, state: 'normal' });
        return sim.connect();
      },
    });
  const transport = await open();
  let before: ModemIdentity;
  try {
    const port = new AtPort(transport);
    before = await identifyModem(port);
    out.stderr(`qfh: ${label(before)}: uploading ${basename(o.file)} (${data.length} bytes)\n`);
    let lastPercent = -1;
    await deltaUpdate(port, basename(o.file), data, {
      onProgress: (p) => {
        if (o.json) out.stdout(`${JSON.stringify({ event: 'progress', ...p })}\n`);
        else if (
          p.phase === 'upload' &&
          (p.bytesDone === p.bytesTotal || p.bytesDone % (256 * 1024) === 0)
        )
          out.stderr(`qfh: uploaded ${p.bytesDone}/${p.bytesTotal} bytes\n`);
        else if (p.phase === 'updating' && p.percent !== lastPercent)
          out.stderr(`qfh: updating… ${(lastPercent = p.percent)}%\n`);
      },
    });
  } finally {
    await transport.close();
  }
  const again = await reopenAfterReboot(spec, open, out, o.waitSeconds);
  let after: ModemIdentity | undefined;
  if (again) {
    try {
      after = await identifyModem(new AtPort(again));
    } finally {
      await again.close();
    }
  }
  const changed =
    after !== undefined &&
    (after.fullRevision ?? after.revision) !== (before.fullRevision ?? before.revision);
  if (o.json)
    out.stdout(
      `${JSON.stringify({ event: 'done', ok: true, before, after: after ?? null, revisionChanged: changed })}\n`,
    );
  else {
    out.stdout(
      `delta update applied: ${label(before)} -> ${after ? label(after) : 'modem not back yet'}\n`,
    );
    if (!after)
      out.stdout(`run \`qfh verify --device ${o.device ?? ''}\` once the modem is back\n`);
    else if (!changed)
      out.stdout(
        'warning: the module reports the same revision as before; check AT+QGMR after its next reboot\n',
      );
  }
  return ExitCode.OK;
}
