import { symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPackage, type FirmwarePackage } from '../../src/package/index.js';
import { describeReal, realBytes } from '../helpers/real.js';
import { bytesOf, elfStub, makePackage, md5Txt } from '../helpers/package-dir.js';

const codes = (pkg: FirmwarePackage, level?: string): string[] =>
  pkg.findings.filter((f) => level === undefined || f.level === level).map((f) => f.code);

const RAWPROGRAM = `<?xml version="1.0" ?>\r\n<data>\r\n  <!--PageSize  = 2 KB-->\n  <program PAGES_PER_BLOCK="64" SECTOR_SIZE_IN_BYTES="2048" filename="..\\sbl1.mbn" num_partition_sectors="640" physical_partition_number="0" start_sector="0"/>\n  <program PAGES_PER_BLOCK="64" SECTOR_SIZE_IN_BYTES="2048" filename="..\\tz.mbn" num_partition_sectors="768" physical_partition_number="0" start_sector="13184"/>\n  <erase PAGES_PER_BLOCK="64" SECTOR_SIZE_IN_BYTES="2048" num_partition_sectors="640" physical_partition_number="0" start_sector="0"/>\n</data>\n`;

async function cleanPackage(
  extra: Record<string, string | Uint8Array> = {},
  rawprogram = RAWPROGRAM,
): Promise<string> {
  const files: Record<string, string | Uint8Array> = {
    'update/sbl1.mbn': bytesOf(223176, 1),
    'update/tz.mbn': bytesOf(526844, 2),
    'update/firehose/prog_nand_firehose_9x07.mbn': elfStub(),
    'update/firehose/rawprogram_nand_p2K_b128K_update.xml': rawprogram,
    ...extra,
  };
  return makePackage({ ...files, 'md5.txt': md5Txt(files) }, 'EG25GGBR07A08M2G_30.006.30.006');
}

describe('readPackage on a clean Quectel-shaped folder', () => {
  it('finds the programmer, resolves ..\\ paths, verifies md5.txt, reads the NAND geometry, and refuses nothing', async () => {
    const pkg = await readPackage(await cleanPackage());
    expect(pkg.name).toBe('EG25GGBR07A08M2G_30.006.30.006');
    expect(pkg.programmer).toBe('update/firehose/prog_nand_firehose_9x07.mbn');
    expect(pkg.images.map((i) => [i.entry.filename, i.file.path, i.file.size])).toEqual([
      ['..\\sbl1.mbn', 'update/sbl1.mbn', 223176],
      ['..\\tz.mbn', 'update/tz.mbn', 526844],
    ]);
    expect(pkg.md5?.checks.map((c) => c.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(pkg.geometry).toEqual({ pageSize: 2048, blockSize: 131072 });
    expect(codes(pkg, 'refuse')).toEqual([]);
  });
});

describe('readPackage refuses bad packages with a finding naming the file: damaged or unsafe files', () => {
  it('a digest mismatch refuses, naming --allow-md5-mismatch', async () => {
    const root = await cleanPackage();
    await writeFile(join(root, 'update/tz.mbn'), bytesOf(526844, 99));
    const pkg = await readPackage(root);
    const bad = pkg.findings.find((f) => f.code === 'PKG_MD5_MISMATCH');
    expect(bad).toMatchObject({
      level: 'refuse',
      file: 'update/tz.mbn',
      flag: 'allow-md5-mismatch',
    });
  });

  it('a missing md5.txt warns; a listed-but-absent file is reported', async () => {
    const root = await makePackage({
      'update/sbl1.mbn': bytesOf(100),
      'update/tz.mbn': bytesOf(100),
      'update/firehose/prog_nand_firehose_9x07.mbn': elfStub(),
      'update/firehose/rawprogram_nand_p2K_b128K_update.xml': RAWPROGRAM,
    });
    expect(codes(await readPackage(root))).toContain('PKG_NO_MD5');
    const listed = await cleanPackage({});
    await writeFile(join(listed, 'md5.txt'), md5Txt({ 'upgrade/targetfiles.zip': 'x' }));
    const pkg = await readPackage(listed);
    expect(pkg.findings.find((f) => f.code === 'PKG_MD5_LISTED_ABSENT')).toMatchObject({
      level: 'info',
      file: 'upgrade/targetfiles.zip',
    });
  });

  it('a referenced file that is absent refuses', async () => {
    const rp = RAWPROGRAM.replace('..\\tz.mbn', '..\\NON-HLOS.ubi');
    const pkg = await readPackage(await cleanPackage({}, rp));
    expect(pkg.findings.find((f) => f.code === 'PKG_FILE_MISSING')).toMatchObject({
      level: 'refuse',
      file: 'update/NON-HLOS.ubi',
    });
  });

  it('an image larger than its partition refuses (never truncated)', async () => {
    const rp = RAWPROGRAM.replace('num_partition_sectors="768"', 'num_partition_sectors="10"');
    expect(codes(await readPackage(await cleanPackage({}, rp)), 'refuse')).toEqual([
      'PKG_IMAGE_TOO_LARGE',
    ]);
  });

  it('a filename climbing out of the package refuses, and so does a link pointing out', async () => {
    const rp = RAWPROGRAM.replace('..\\tz.mbn', '..\\..\\..\\..\\etc\\passwd');
    expect(codes(await readPackage(await cleanPackage({}, rp)), 'refuse')).toContain(
      'PKG_PATH_ESCAPE',
    );
    const root = await cleanPackage();
    await writeFile(join(dirname(root), 'outside.bin'), 'secret');
    await symlink(join(dirname(root), 'outside.bin'), join(root, 'update/evil.mbn'));
    const linked = RAWPROGRAM.replace('..\\tz.mbn', '..\\evil.mbn');
    await writeFile(join(root, 'update/firehose/rawprogram_nand_p2K_b128K_update.xml'), linked);
    expect(codes(await readPackage(root, { verifyMd5: false }), 'refuse')).toContain(
      'PKG_PATH_ESCAPE',
    );
  });

  it('an <erase> with no attributes refuses (a whole-device wipe); a vendor erase is kept and noted', async () => {
    const rp = RAWPROGRAM.replace(
      '</data>',
      '<erase />\n<erase c_project_name="EM061KGL" a_rawdata_start_sector="13952" d_project_type="STD" vendor="quectel" b_rawdata_num_sector="512" />\n</data>',
    );
    const pkg = await readPackage(await cleanPackage({}, rp));
    expect(codes(pkg, 'refuse')).toEqual(['PKG_ERASE_WHOLE_DEVICE']);
    expect(codes(pkg, 'info')).toContain('PKG_VENDOR_ERASE');
  });
});

describe('readPackage refuses bad packages with a finding naming the file: junk, programmer, manifest, path', () => {
  it('a folder holding only AppleDouble junk has no rawprogram and no programmer', async () => {
    const junk = new Uint8Array(4096);
    junk.set([0x00, 0x05, 0x16, 0x07]);
    const root = await makePackage({
      'update/firehose/._rawprogram_nand_p2K_b128K_update.xml': junk,
      'update/firehose/._prog_nand_firehose_9x07.mbn': junk,
      '.DS_Store': 'x',
    });
    const pkg = await readPackage(root);
    expect(codes(pkg, 'refuse').sort()).toEqual([
      'PKG_EMPTY',
      'PKG_NO_MD5',
      'PKG_NO_PROGRAMMER',
      'PKG_NO_RAWPROGRAM',
    ]);
    expect(codes(pkg, 'info')).toContain('PKG_APPLEDOUBLE_IGNORED');
    expect(pkg.files).toEqual([]);
  });

  it('a folder of files none of which a firmware package is made of says so, first', async () => {
    const pkg = await readPackage(await makePackage({ 'photo.jpg': 'x', 'docs/notes.txt': 'y' }));
    expect(pkg.findings[0]?.code).toBe('PKG_NOT_FIRMWARE');
    expect(pkg.findings[0]?.level).toBe('refuse');
    // One rawprogram is enough to be a package (with its own refusals), not "not firmware".
    const partial = await readPackage(
      await makePackage({ 'photo.jpg': 'x', 'rawprogram0.xml': '<data></data>' }),
    );
    expect(codes(partial, 'refuse')).not.toContain('PKG_NOT_FIRMWARE');
  });

  it('a programmer that is not an ELF refuses', async () => {
    const root = await cleanPackage({
      'update/firehose/prog_nand_firehose_9x07.mbn': 'not an elf',
    });
    expect(codes(await readPackage(root), 'refuse')).toEqual(['PKG_PROGRAMMER_NOT_ELF']);
  });

  it('a malformed rawprogram refuses with the parse error', async () => {
    const pkg = await readPackage(await cleanPackage({}, '<data><program filename="x" </data>'));
    expect(pkg.findings.find((f) => f.code === 'PKG_MANIFEST_UNREADABLE')?.message).toMatch(
      /not well-formed XML/,
    );
  });

  it('rejects a path that is not a folder with a typed error', async () => {
    await expect(readPackage('/nonexistent/qfh')).rejects.toMatchObject({
      code: 'QFH_PACKAGE_NOT_FOUND',
    });
  });
});

describeReal(
  'readPackage on the real EG25-G 30.006 manifests laid out as the package ships them',
  () => {
    it('matches the real md5 lines for the real files, flags the synthetic images, and knows the MIBIB patch target', async () => {
      const real = 'quectel-eg25g-30.006';
      const root = await makePackage({
        'md5.txt': realBytes(real, 'md5.txt'),
        'contents.xml': realBytes(real, 'contents.xml'),
        'update/firehose/rawprogram_nand_p2K_b128K_update.xml': realBytes(
          real,
          'rawprogram_nand_p2K_b128K_update.xml',
        ),
        'update/firehose/patch_p2K_b128K.xml': realBytes(real, 'patch_p2K_b128K.xml'),
        'update/firehose/partition_complete_p2K_b128K.mbn': realBytes(
          real,
          'partition_complete_p2K_b128K.mbn',
        ),
        'update/firehose/prog_nand_firehose_9x07.mbn': elfStub(),
        'update/sbl1.mbn': bytesOf(1000),
      });
      const pkg = await readPackage(root);
      const status = new Map(pkg.md5?.checks.map((c) => [c.path, c.status]));
      expect(status.get('contents.xml')).toBe('ok');
      expect(status.get('update/firehose/rawprogram_nand_p2K_b128K_update.xml')).toBe('ok');
      expect(status.get('update/firehose/patch_p2K_b128K.xml')).toBe('ok');
      expect(status.get('update/firehose/partition_complete_p2K_b128K.mbn')).toBe('ok');
      expect(status.get('update/sbl1.mbn')).toBe('mismatch');
      expect(status.get('upgrade/targetfiles.zip')).toBe('absent');
      expect(pkg.contents?.manifest.chipId).toBe('MDM9607');
      expect(pkg.images.filter((i) => i.file.exists).map((i) => i.file.path)).toEqual([
        'update/sbl1.mbn',
        'update/firehose/partition_complete_p2K_b128K.mbn',
      ]);
      expect(codes(pkg, 'refuse')).toEqual(
        expect.arrayContaining(['PKG_MD5_MISMATCH', 'PKG_FILE_MISSING']),
      );
    });

    it('rejects the real malformed sparse image referenced as sparse', async () => {
      const rp =
        '<?xml version="1.0" ?><data><program SECTOR_SIZE_IN_BYTES="4096" filename="boot.img" label="boot" num_partition_sectors="0" physical_partition_number="0" sparse="true" start_sector="6"/></data>';
      const root = await makePackage({
        'rawprogram0.xml': rp,
        'boot.img': realBytes('android-sparse-qdljs-fixtures', 'boot-sparse-truncated.img'),
        'prog_firehose_ddr.elf': elfStub(),
      });
      const pkg = await readPackage(root);
      expect(pkg.findings.find((f) => f.code === 'PKG_SPARSE_CORRUPT')).toMatchObject({
        level: 'refuse',
        file: 'boot.img',
      });
    });
  },
);
