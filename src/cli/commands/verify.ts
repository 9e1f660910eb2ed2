/**
 * `qfh verify`: the modem's identity, registration, signal and bands, optionally compared
 * with an earlier record (the one `qfh flash` saves before an update).
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { AtPort } from '../at/at-port.js';
import { checkModem, diffChecks, type ModemCheck } from '../at/post-check.js';
import { SimulatedModem } from '../sim/modem.js';
import { openDevice, parseDeviceSpec } from '../transport/select-device.js';
import { UsageError } from '../errors.js';
import { ExitCode } from './exit-codes.js';
import { toJsonText } from './json-output.js';
import type { CliOutput } from './output.js';

/** A check as text lines. */
export function renderCheck(c: ModemCheck): string[] {
  return [
    `${c.identity.manufacturer} ${c.identity.model}: ${c.identity.fullRevision ?? c.identity.revision}${c.identity.subEdition ? ` (sub-edition ${c.identity.subEdition})` : ''}`,
    `  registered: CREG ${c.creg ?? '-'}, CEREG ${c.cereg ?? '-'}; signal CSQ ${c.rssi ?? '-'}; bands ${c.bands ?? '-'}`,
    ...c.warnings.map((w) => `  warning: ${w}`),
  ];
}

/** Runs `qfh verify`. The device is the modem's AT port. */
export async function runVerify(
  o: { device: string | undefined; before: string | undefined; json: boolean },
  out: CliOutput,
): Promise<number> {
  const spec = parseDeviceSpec(o.device ?? '');
  if (spec.kind === 'usb')
    throw new UsageError(
      'QFH_USAGE',
      'qfh verify talks to the AT port: --device /dev/ttyUSB2 (qfh list shows it), or sim:PROFILE:normal',
    );
  const transport = await openDevice(spec, {
    openSim: (profile) => new SimulatedModem({ profile, state: 'normal' }).connect(),
  });
  try {
    const check = await checkModem(new AtPort(transport));
    const before = o.before
      ? (JSON.parse(await readFile(o.before, 'utf8')) as { before?: ModemCheck } & ModemCheck)
      : undefined;
    const earlier = before?.before ?? before;
    if (o.json)
      out.stdout(
        `${toJsonText({ check, ...(earlier ? { diff: diffChecks(earlier, check) } : {}) })}\n`,
      );
    else
      out.stdout(
        `${[...renderCheck(check), ...(earlier ? ['compared with the earlier record:', ...diffChecks(earlier, check)] : [])].join('\n')}\n`,
      );
    return ExitCode.OK;
  } finally {
    await transport.close();
  }
}
