import { copyFile, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZipError, type QfhErrorCode } from '../../src/errors.js';
import { FlashError } from '../../src/flash/flash-report.js';
import { flash } from '../../src/flash/node-flash.js';
import { readPackage } from '../../src/package/open-package.js';
import { buildDemoPackage } from '../../src/sim/demo-package.js';
import { SimulatedModem } from '../../src/sim/modem.js';
import { runCli } from '../helpers/cli.js';
import { Counting } from '../helpers/counting.js';
import {
  editEntry,
  editZip,
  entryHeaders,
  FIELDS,
  renameInZip,
  zipFolder,
} from '../helpers/zip.js';

const NAME = 'EG25GGBR07A08M2G_30.006.30.006';
const BIG = 'update/NON-HLOS.ubi'; // 8 MiB: read through a cursor, not inflated whole
let work: string;
let folder: string;
let good: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'qfh-badzip-'));
  folder = await buildDemoPackage(work, NAME);
  good = join(work, 'good.zip');
  await zipFolder(folder, good, {
    prefix: `${NAME}/`,
    extra: { [`${NAME}/zz/notes.txt`]: 'release notes' },
  });
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** A copy of the good zip, damaged by `damage`. */
async function damaged(name: string, damage: (zip: string) => Promise<void>): Promise<string> {
  const zip = join(work, `${name}.zip`);
  await copyFile(good, zip);
  await damage(zip);
  return zip;
}

const CASES: readonly [string, QfhErrorCode, (zip: string) => Promise<void>][] = [
  [
    'an entry named outside the archive (zip-slip)',
    'QFH_ZIP_PATH_ESCAPE',
    (zip) => renameInZip(zip, `${NAME}/zz/notes.txt`, `${NAME}/../notes.txt`),
  ],
  [
    'a link entry leading out of the archive',
    'QFH_ZIP_PATH_ESCAPE',
    async (zip) => {
      await zipFolder(folder, zip, {
        prefix: `${NAME}/`,
        links: { [`${NAME}/md5.lnk`]: '../../../etc/passwd' },
      });
    },
  ],
  [
    'an entry that inflates past the size its header states',
    'QFH_ZIP_BOMB',
    (zip) => editZip(zip, BIG, (v) => ({ uncompressedSize: v('uncompressedSize') - 4096 })),
  ],
  [
    'an entry that inflates one byte past the size its header states',
    'QFH_ZIP_BOMB',
    (zip) => editZip(zip, BIG, (v) => ({ uncompressedSize: v('uncompressedSize') - 1 })),
  ],
  [
    'an entry that inflates one byte short of the size its header states',
    'QFH_ZIP_TRUNCATED',
    (zip) => editZip(zip, BIG, (v) => ({ uncompressedSize: v('uncompressedSize') + 1 })),
  ],
  [
    'an entry claiming more than deflate can reach',
    'QFH_ZIP_BOMB',
    (zip) => editZip(zip, 'md5.txt', (v) => ({ uncompressedSize: v('compressedSize') * 2000 })),
  ],
  [
    'entries sharing their compressed bytes',
    'QFH_ZIP_BOMB',
    async (zip) => {
      const bytes = await readFile(zip);
      const target = entryHeaders(bytes).find((e) => e.name.endsWith(BIG));
      editEntry(bytes, 'update/usrdata.ubi', () => ({ localHeaderOffset: target?.local ?? 0 }));
      await writeFile(zip, bytes);
    },
  ],
  [
    'an encrypted entry',
    'QFH_ZIP_ENCRYPTED',
    (zip) => editZip(zip, BIG, (v) => ({ flags: v('flags') | 1 })),
  ],
  ['a download cut short', 'QFH_ZIP_TRUNCATED', async (zip) => truncate(zip, 6_000_000)],
  [
    'a CRC-32 that does not match',
    'QFH_ZIP_CRC_MISMATCH',
    (zip) => editZip(zip, BIG, (v) => ({ crc32: v('crc32') ^ 0x10 })),
  ],
  [
    'a central directory that disagrees with the entry’s own header (read one way here, another by unzip)',
    'QFH_ZIP_CORRUPT',
    async (zip) => {
      const bytes = await readFile(zip);
      const entry = entryHeaders(bytes).find((e) => e.name.endsWith(BIG));
      const at = (entry?.central ?? 0) + FIELDS.crc32.c;
      bytes.writeUInt32LE((bytes.readUInt32LE(at) ^ 0x10) >>> 0, at); // the central record only
      await writeFile(zip, bytes);
    },
  ],
  [
    'a compression qfh does not read',
    'QFH_ZIP_UNSUPPORTED',
    (zip) => editZip(zip, BIG, () => ({ method: 12 })),
  ],
];

it('a zip whose names start with ./ (bsdtar, Windows tar -a) reads as the same package', async () => {
  const dotted = join(work, 'dotted.zip');
  await zipFolder(folder, dotted, { prefix: `./${NAME}/` });
  const pkg = await readPackage(dotted);
  const plain = await readPackage(folder);
  expect(pkg.name).toBe(NAME);
  expect(pkg.files.map((f) => f.path)).toEqual(plain.files.map((f) => f.path));
  expect(pkg.findings.filter((f) => f.level === 'refuse')).toEqual([]);
});

describe('a bad firmware zip is a typed error, and nothing reaches the modem', () => {
  it('the good zip it is made from flashes', async () => {
    const report = await flash(good, new SimulatedModem().connect());
    expect(report.state).toBe('flashed');
  });

  for (const [what, code, damage] of CASES)
    it(`${what}: ${code}`, async () => {
      const zip = await damaged(code + what.length, damage);
      const modem = new SimulatedModem();
      const link = new Counting(modem.connect());
      const error = await flash(zip, link).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ZipError);
      expect((error as ZipError).code, (error as Error).message).toBe(code);
      expect((error as ZipError).hint).not.toBe('');
      expect(link.writes).toBe(0);
      const cli = await runCli(['plan', zip, '--json']);
      expect(cli.code).not.toBe(0);
      expect(cli.stdout).toContain(`"code":"${code}"`);
    });
});

it('a CRC-32 mismatch found while streaming stops the flash before its next command: partial', async () => {
  const zip = await damaged('crc-late', (z) =>
    editZip(z, BIG, (v) => ({ crc32: v('crc32') ^ 0x10 })),
  );
  // Without the md5 pass (a library caller's choice), the damage is first seen mid-flash.
  const pkg = await readPackage(zip, { verifyMd5: false });
  const modem = new SimulatedModem();
  const error = await flash(pkg, modem.connect()).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(FlashError);
  const report = (error as FlashError).report;
  expect((error as FlashError).code).toBe('QFH_ZIP_CRC_MISMATCH');
  expect(report.state).toBe('partial');
  const commands = modem.firehoseRuns.flatMap((r) => r.commands);
  const last = commands.at(-1);
  expect(last?.tag).toBe('program');
  // NON-HLOS.ubi's place in the demo rawprogram: start_sector 24256.
  expect(JSON.stringify(last?.attributes)).toContain('"24256"');
  expect(report.next).toMatch(/download/i);
});
