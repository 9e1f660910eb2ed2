/**
 * What a modem says about itself after (and before) an update: identity, registration
 * (AT+CREG?/AT+CEREG?), signal (AT+CSQ) and bands (AT+QCFG="band"), kept as a JSON record,
 * and a human diff of two records. Missing registration is a warning, not a failure: a
 * module just back from a flash may take a while to attach.
 *
 * @module
 */
import type { AtPort } from './at-port.js';
import { identifyModem, type ModemIdentity } from './identify.js';

/** One check of the modem. */
export interface ModemCheck {
  readonly at: string;
  readonly identity: ModemIdentity;
  /** `stat` of +CREG / +CEREG (1 home, 5 roaming: registered), when answered. */
  readonly creg: number | undefined;
  readonly cereg: number | undefined;
  /** +CSQ rssi (0–31, 99 unknown). */
  readonly rssi: number | undefined;
  readonly bands: string | undefined;
  readonly warnings: readonly string[];
}

const stat = (line: string | undefined): number | undefined => {
  const m = /:\s*\d+,(\d+)/.exec(line ?? '');
  return m ? Number(m[1]) : undefined;
};

/** Reads identity, registration, signal and bands. */
export async function checkModem(port: AtPort): Promise<ModemCheck> {
  const identity = await identifyModem(port);
  const ask = async (command: string): Promise<string | undefined> =>
    (await port.command(command).catch(() => []))[0];
  const creg = stat(await ask('AT+CREG?'));
  const cereg = stat(await ask('AT+CEREG?'));
  const rssi = Number(/\+CSQ:\s*(\d+)/.exec((await ask('AT+CSQ')) ?? '')?.[1] ?? NaN);
  const bands = (await ask('AT+QCFG="band"'))?.replace(/^\+QCFG:\s*"band",/i, '');
  const warnings: string[] = [];
  const registered = (s: number | undefined): boolean => s === 1 || s === 5;
  if (!registered(creg) && !registered(cereg))
    warnings.push(
      'not registered on a network yet (+CREG/+CEREG): give it a minute, check the SIM and antenna',
    );
  if (Number.isFinite(rssi) && (rssi === 99 || rssi < 5))
    warnings.push(`weak or unknown signal (+CSQ: ${rssi})`);
  if (identity.firmware?.abnormalBuild)
    warnings.push(
      `AT+QGMR reads ${identity.fullRevision}: the application part 00.000 is a reading Quectel calls abnormal; ask again after the module settles`,
    );
  return {
    at: new Date().toISOString(),
    identity,
    creg,
    cereg,
    rssi: Number.isFinite(rssi) ? rssi : undefined,
    bands,
    warnings,
  };
}

/** The differences between two checks, one line each. */
export function diffChecks(before: ModemCheck, after: ModemCheck): string[] {
  const rows: [string, unknown, unknown][] = [
    [
      'revision',
      before.identity.fullRevision ?? before.identity.revision,
      after.identity.fullRevision ?? after.identity.revision,
    ],
    ['sub-edition', before.identity.subEdition, after.identity.subEdition],
    ['CREG', before.creg, after.creg],
    ['CEREG', before.cereg, after.cereg],
    ['signal (CSQ)', before.rssi, after.rssi],
    ['bands', before.bands, after.bands],
  ];
  return rows.map(([name, a, b]) =>
    a === b
      ? `  ${name}: ${String(a ?? '-')} (unchanged)`
      : `  ${name}: ${String(a ?? '-')} → ${String(b ?? '-')}`,
  );
}
