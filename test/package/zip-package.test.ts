import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flash } from '../../src/flash/node-flash.js';
import { readPackage } from '../../src/package/open-package.js';
import { planPackage } from '../../src/plan/gates.js';
import { buildDemoPackage } from '../../src/sim/demo-package.js';
import { SimulatedModem } from '../../src/sim/modem.js';
import { padded } from '../helpers/reference.js';
import { zipFolder } from '../helpers/zip.js';

const NAME = 'EG25GGBR07A08M2G_30.006.30.006';
let work: string;
let folder: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'qfh-zip-'));
  folder = await buildDemoPackage(work, NAME);
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const summary = async (input: string) => {
  const pkg = await readPackage(input);
  return {
    pkg,
    name: pkg.name,
    programmer: pkg.programmer,
    files: pkg.files.map((f) => [f.path, f.size, f.role]),
    images: pkg.images.map((i) => [i.file.path, i.file.size, i.file.sparse]),
    md5: pkg.md5?.checks.map((c) => [c.path, c.status]),
    findings: pkg.findings.map((f) => f.code),
    ops: planPackage(pkg).ops.map((op) => ({ ...op, source: undefined })),
  };
};

describe('a firmware zip as downloaded', () => {
  for (const [nesting, prefix] of [
    ['one folder', `${NAME}/`],
    ['two folders', `${NAME}/${NAME}/`],
    ['no folder', ''],
  ] as const)
    it(`reads a deflated zip nesting the package in ${nesting} like the folder it came from`, async () => {
      const zip = join(work, `nest-${nesting.replace(' ', '-')}.zip`);
      await zipFolder(folder, zip, { prefix, extra: { '__MACOSX/._md5.txt': 'fork' } });
      const fromFolder = await summary(folder);
      const fromZip = await summary(zip);
      expect(fromZip.pkg.root).toBe(zip);
      expect(fromZip.name).toBe(nesting === 'no folder' ? `nest-no-folder` : NAME);
      const zipRest = { ...fromZip, pkg: undefined, name: undefined };
      const folderRest = { ...fromFolder, pkg: undefined, name: undefined };
      // The zip carries a macOS resource fork the folder has not: noted, never read.
      expect(zipRest.findings.filter((c) => c !== 'PKG_APPLEDOUBLE_IGNORED')).toEqual(
        folderRest.findings,
      );
      expect(zipRest.findings).toContain('PKG_APPLEDOUBLE_IGNORED');
      expect({ ...zipRest, findings: [] }).toEqual({ ...folderRest, findings: [] });
      expect(fromZip.md5?.every(([, status]) => status === 'ok')).toBe(true);
      expect(fromZip.pkg.ignored).toContain('__MACOSX/._md5.txt');
    });

  it('flashes from the zip what flashing the folder writes, each image byte for byte', async () => {
    const zip = join(work, 'flash.zip');
    await zipFolder(folder, zip, { prefix: `${NAME}/${NAME}/` });
    const viaFolder = new SimulatedModem({ profile: 'eg25g' });
    const viaZip = new SimulatedModem({ profile: 'eg25g' });
    const folderReport = await flash(folder, viaFolder.connect());
    const zipReport = await flash(zip, viaZip.connect());
    expect(zipReport.ok).toBe(true);
    expect(zipReport.state).toBe('flashed');
    expect(zipReport.bytes).toBe(folderReport.bytes);
    const plan = planPackage(await readPackage(folder));
    let images = 0;
    for (const op of plan.ops) {
      if (op.kind !== 'program' || op.target.startSector === undefined || !op.file) continue;
      const { lun, startSector, sectors, sectorSize } = op.target;
      const held = viaZip.storage.export(lun, startSector, sectors);
      expect(
        Buffer.from(held).equals(Buffer.from(viaFolder.storage.export(lun, startSector, sectors))),
      ).toBe(true);
      if (!op.file.endsWith('.mbn') || !op.file.includes('partition')) {
        const expected = new Uint8Array(sectors * sectorSize);
        expected.set(padded(await readFile(join(folder, op.file)), sectorSize));
        expect(Buffer.from(held).equals(Buffer.from(expected))).toBe(true);
        images++;
      }
    }
    expect(images).toBeGreaterThan(5);
  });
});
