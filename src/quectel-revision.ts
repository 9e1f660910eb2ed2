/**
 * Pure reader of Quectel firmware identities, as modules report them (ATI `Revision:`,
 * AT+CGMR, AT+QGMR) and as packages are named (research/modem.md §3.1–3.2):
 * `EG25GGBR07A08M2G`, `EM20GRAR01A04V01M4G`, `RM500QGLAAR01A01M4G_BETA_20200428F`,
 * `EM05GFAR07A07M1G_01.016.01.016`, `RM520NGLAAR03A03M4G_01.201.01.201.zip`. Used by the
 * AT layer (the modem's side) and the plan's gates (the package's side).
 *
 * @module
 */

/** A firmware identity. */
export interface FirmwareIdentity {
  /** The string it was read from. */
  readonly text: string;
  /**
   * Model plus region/variant code: everything before `R..A..` (`EG25GGB`, `RM500QGLAA`).
   * Module and package must agree on it.
   */
  readonly variant: string;
  /** The module model, when the variant starts with a known one (`EG25G`, `RM500Q`). */
  readonly model: string | undefined;
  /** The region/variant code after the model (`GB`, `GLAA`), when the model is known. */
  readonly region: string | undefined;
  /** `R07` → 7. */
  readonly release: number;
  /** `A08` → 8. */
  readonly minor: number;
  /** NAND size suffix (`M2G`: 2 Gbit), when present. */
  readonly nand: string | undefined;
  /** Anything between the minor and the NAND suffix (`V01` on EM20). */
  readonly extra: string | undefined;
  /** Build tags after the revision (`BETA`, `20200428F`, `SKT`, `ACY`). */
  readonly tags: readonly string[];
  /** The `_modem.minor.ap.minor` tail of AT+QGMR or a package name (`30.006.30.006`), or a shorter `01.001.02`. */
  readonly build: string | undefined;
  /** A QGMR tail whose application part reads `00.000`: Quectel says this reading can be abnormal. */
  readonly abnormalBuild: boolean;
}

/** Models seen in public revision strings, longest first so `EC25EU` wins over `EC25E`. */
const MODELS = [
  'RM500Q',
  'RM502Q',
  'RM520N',
  'RG500Q',
  'RG255C',
  'EM120R',
  'EM061K',
  'EM160R',
  'AG590E',
  'EC20CE',
  'EC25EU',
  'EC25AU',
  'EG25G',
  'EC25E',
  'EC25A',
  'EC25J',
  'EC21E',
  'EM05G',
  'EM12G',
  'EG18',
  'EM20',
  'EP06',
  'EC25',
  'EC21',
].sort((a, b) => b.length - a.length);

/** Parses a revision or package name; `undefined` when it is not of the Quectel form. */
export function parseFirmwareIdentity(text: string): FirmwareIdentity | undefined {
  const name =
    text
      .trim()
      .replace(/\.zip$/i, '')
      .split(/[\\/]/)
      .pop() ?? '';
  const m = /^([A-Z0-9]+?)R(\d{2})A(\d{2})([A-Z]\d{2})?(M\d+G)?(?=$|[_-])/.exec(name.toUpperCase());
  if (!m) return undefined;
  const variant = m[1] ?? '';
  const model = MODELS.find((x) => variant.startsWith(x) && variant.length > x.length);
  // After the revision: `_`/`-` separated tokens, one of which may be the build number.
  const tokens = name.slice(m[0].length).split(/[_-]/).filter(Boolean);
  const build = tokens.find((t) => /^\d{2}\.\d{3}(?:\.\d{2,3}){1,2}$/.test(t));
  const parts = build?.split('.') ?? [];
  return {
    text,
    variant,
    model,
    region: model ? variant.slice(model.length) : undefined,
    release: Number(m[2]),
    minor: Number(m[3]),
    extra: m[4],
    nand: m[5],
    tags: tokens.filter((t) => t !== build).map((t) => t.toUpperCase()),
    build,
    abnormalBuild: parts.length === 4 && parts[2] === '00' && parts[3] === '000',
  };
}

/** Orders two builds (`30.006.30.006`); missing parts count as 0. */
export function compareBuilds(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++)
    if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

/**
 * The known model a free text names (a USB product string such as `RM500Q-GL` or
 * `Quectel EG25-G`), ignoring case and punctuation; `undefined` when it names none.
 */
export function modelNamedIn(text: string): string | undefined {
  const plain = text.toUpperCase().replace(/[^A-Z0-9]/g, '');
  return MODELS.find((m) => plain.includes(m));
}
