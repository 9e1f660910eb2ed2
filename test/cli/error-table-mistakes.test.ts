/**
 * The user-error table, second part (issue 28): typos, a file or folder where the other is
 * wanted, records of the wrong modem, no modem at all. Each row: exit status, code, one line,
 * a hint; where the hint says what to type instead, that command is read from the output and
 * run (`test/helpers/error-rows.ts`). With error-table.test.ts: 27 rows.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe } from 'vitest';
import { buildDemoPackage } from '../../src/sim/index.js';
import { checkRows, type ErrorRow } from '../helpers/error-rows.js';

let demo = '';
let work = '';
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'qfh-mistakes-'));
  demo = await buildDemoPackage(work);
  await writeFile(join(work, 'notes.txt'), 'not a package');
  await mkdir(join(work, 'records'));
  for (const device of ['usb_1-1.4', 'usb_1-2.4'])
    await writeFile(
      join(work, 'records', `qfh-update-2026-12-01T10-00-00-000Z-${device}.json`),
      '{}',
    );
});

/** `args` with `wrong` replaced by what the hint offers for it (`Did you mean X for wrong`). */
const offered = (args: string[], wrong: string, output: string): string[] => {
  const good = new RegExp(`Did you mean (\\S+) for ${wrong}`).exec(output)?.[1] ?? wrong;
  return args.map((a) => (a === wrong ? good : a));
};

const flashDemo = (...more: string[]): string[] => ['flash', demo, '--yes', ...more];

const ROWS: ErrorRow[] = [
  {
    what: 'a typo in an option: named, with the option meant',
    args: () => flashDemo('--devcie', 'sim:eg25g'),
    code: 'QFH_USAGE',
    exit: 2,
    line: /qfh flash has no option --devcie/,
    hint: /Did you mean --device for --devcie\?/,
    fix: (output) => offered(flashDemo('--devcie', 'sim:eg25g'), '--devcie', output),
  },
  {
    what: 'a typo in a risk flag: the flag meant, never a generic error',
    args: () => flashDemo('--device', 'sim:eg25g', '--force-varient'),
    code: 'QFH_USAGE',
    exit: 2,
    line: /qfh flash has no option --force-varient/,
    hint: /Did you mean --force-variant for --force-varient\?/,
    notHint: /forceVarient/,
    fix: (output) =>
      offered(flashDemo('--device', 'sim:eg25g', '--force-varient'), '--force-varient', output),
  },
  {
    what: 'a typo in the command',
    args: () => ['flahs', demo],
    code: 'QFH_USAGE',
    exit: 2,
    line: /unknown command "flahs"/,
    hint: /Did you mean `qfh flash`\?/,
    fix: (output) => [
      /`qfh (\w+)`/.exec(output)?.[1] ?? '',
      demo,
      '--device',
      'sim:eg25g',
      '--yes',
    ],
  },
  {
    what: 'a --programmer that is a folder: refused before any plan is shown',
    args: () => flashDemo('--device', 'sim:eg25g', '--programmer', work),
    code: 'QFH_PROGRAMMER_INVALID',
    exit: 3,
    line: /the programmer .* is a folder, not a programmer file/,
    hint: /Give --programmer the programmer file itself/,
    absent: /Plan for|would flash/,
  },
  {
    what: 'a text file where the package is wanted',
    args: () => ['plan', join(work, 'notes.txt')],
    code: 'QFH_PACKAGE_NOT_FOUND',
    exit: 2,
    line: /notes\.txt is neither a folder nor a zip/,
    hint: /unpacked firmware folder/,
  },
  {
    what: 'verify --before with the records of two modems: refused, naming them',
    args: () => [
      'verify',
      '--device',
      'sim:eg25g:normal',
      '--before',
      join(work, 'records', 'qfh-update-2026-12-01T10-00-00-000Z-usb_1-1.4.json'),
      join(work, 'records', 'qfh-update-2026-12-01T10-00-00-000Z-usb_1-2.4.json'),
    ],
    code: 'QFH_USAGE',
    exit: 2,
    line: /the 2 records given are of 2 different modems/,
    hint: /Give --before the record of the modem you check: .*usb_1-1\.4\.json/,
  },
  {
    what: 'no modem on the port named: "no device", with what to run to find one',
    args: () => flashDemo('--device', 'usb:9-9.9', '--wait', '1'),
    code: 'QFH_NO_DEVICE',
    exit: 4,
    line: /a modem on port 9-9\.9 did not appear within 1 s/,
    hint: /qfh list/,
  },
];

describe('error table, mistakes: code, exit status, one line, a hint that works', () => {
  checkRows(ROWS);
});
