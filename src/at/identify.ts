/**
 * Who the modem says it is: ATI (manufacturer, model, `Revision:`), AT+QGMR (revision with
 * the build tail), AT+CSUB (sub-edition), read into a {@link FirmwareIdentity}.
 *
 * @module
 */
import { AtError } from '../errors.js';
import { parseFirmwareIdentity, type FirmwareIdentity } from '../quectel-revision.js';
import type { AtPort } from './at-port.js';

/** A modem's identity as it reports it. */
export interface ModemIdentity {
  readonly manufacturer: string;
  readonly model: string;
  /** ATI `Revision:` (the same as AT+CGMR). */
  readonly revision: string;
  /** AT+QGMR, when the module answers it. */
  readonly fullRevision: string | undefined;
  readonly subEdition: string | undefined;
  /** The firmware identity read from the fullest revision it gave. */
  readonly firmware: FirmwareIdentity | undefined;
}

/** Reads ATI, AT+QGMR and AT+CSUB. */
export async function identifyModem(port: AtPort): Promise<ModemIdentity> {
  const ati = await port.command('ATI');
  const revisionLine = ati.find((l) => /^Revision:/i.test(l));
  if (!revisionLine)
    throw new AtError('QFH_AT_ERROR', `ATI gave no Revision: line (${ati.join(' / ')})`);
  const revision = revisionLine.replace(/^Revision:\s*/i, '').trim();
  const optional = async (command: string): Promise<string | undefined> =>
    (await port.command(command).catch(() => []))[0]?.trim();
  const fullRevision = await optional('AT+QGMR');
  const subEdition = (await optional('AT+CSUB'))?.replace(/^SubEdition:\s*/i, '');
  return {
    manufacturer: ati[0] ?? '',
    model: ati[1] ?? '',
    revision,
    fullRevision,
    subEdition,
    firmware: parseFirmwareIdentity(fullRevision ?? revision) ?? parseFirmwareIdentity(revision),
  };
}
