import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { qfh, runCli } from '../helpers/cli.js';
import { describeReal, REAL_DIR, realPath } from '../helpers/real.js';
import { bytesOf, elfStub, makePackage, md5Txt } from '../helpers/package-dir.js';

/** Runs main() in-process with captured output. */
const inProcess = (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
  runCli(args);

const EXPECTED_KIND: Record<string, string> = {
  '.xml': 'rawprogram|patch|contents',
  '.bin': 'gpt',
  '.mbn': 'mibib',
  '.img': 'sparse|raw',
  '.txt': 'md5|text',
  '.md5': 'md5',
  '.md': 'text',
};

describeReal('qfh inspect --json on every real folder and file', () => {
  const folders = readdirSync(REAL_DIR).filter((d) => statSync(join(REAL_DIR, d)).isDirectory());
  for (const folder of folders) {
    it(`folder ${folder}: valid JSON describing a package`, async () => {
      const { code, stdout } = await inProcess('inspect', '--json', realPath(folder));
      expect(code).toBe(0);
      const doc = JSON.parse(stdout) as { kind: string; package: { findings: unknown[] } };
      expect(doc.kind).toBe('package');
      expect(Array.isArray(doc.package.findings)).toBe(true);
    });
    for (const file of readdirSync(realPath(folder))) {
      if (file === 'boot-sparse-truncated.img') continue;
      const ext = /\.[^.]+$/.exec(file)?.[0] ?? '';
      it(`file ${folder}/${file}: valid JSON of kind ${EXPECTED_KIND[ext]}`, async () => {
        const { code, stdout, stderr } = await inProcess(
          'inspect',
          '--json',
          realPath(folder, file),
        );
        expect(stderr).toBe('');
        expect(code).toBe(0);
        const doc = JSON.parse(stdout) as { kind: string };
        expect(doc.kind).toMatch(new RegExp(`^(${EXPECTED_KIND[ext]})$`));
      });
    }
  }
});

describeReal('qfh inspect --json on real files: the facts it reports', () => {
  it('reports the facts: the 30.006 rawprogram, the MIBIB checksum, the OnePlus GPT CRCs', async () => {
    const rp = JSON.parse(
      (
        await inProcess(
          'inspect',
          '--json',
          realPath('quectel-eg25g-30.006', 'rawprogram_nand_p2K_b128K_update.xml'),
        )
      ).stdout,
    ) as { rawprogram: { entries: { tag: string }[] } };
    expect(rp.rawprogram.entries.filter((e) => e.tag === 'program')).toHaveLength(11);
    const mibib = JSON.parse(
      (
        await inProcess(
          'inspect',
          '--json',
          realPath('quectel-eg25g-30.006', 'partition_complete_p2K_b128K.mbn'),
        )
      ).stdout,
    ) as { mibib: { checksum: { matches: boolean; stored: number } } };
    expect(mibib.mibib.checksum).toMatchObject({ matches: true, stored: 0xde5d6102 });
    const gpt = JSON.parse(
      (
        await inProcess(
          'inspect',
          '--json',
          realPath('android-emmc-oneplus-x-msm8974', 'gpt_main0.bin'),
        )
      ).stdout,
    ) as { gpt: { headerCrcComputed: number; entriesCrcComputed: number } };
    expect(gpt.gpt).toMatchObject({
      headerCrcComputed: 0x1e482526,
      entriesCrcComputed: 0xeb7bd8ba,
    });
  });
});

describeReal('qfh inspect on a corrupt real file', () => {
  it('a corrupt file exits 1 with a one-line reason and no stack trace (child process)', async () => {
    const { code, stdout, stderr } = await qfh(
      'inspect',
      realPath('android-sparse-qdljs-fixtures', 'boot-sparse-truncated.img'),
    );
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.split('\n')[0]).toMatch(
      /^qfh: sparse chunk 1 \(DONT_CARE.*\[QFH_SPARSE_BAD_CHUNK\]$/,
    );
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('with --json a corrupt file still prints valid JSON (the error) and exits 1', async () => {
    const { code, stdout } = await qfh(
      'inspect',
      '--json',
      realPath('android-sparse-qdljs-fixtures', 'boot-sparse-truncated.img'),
    );
    expect(code).toBe(1);
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
    expect(lines).toEqual([
      expect.objectContaining({
        event: 'error',
        error: expect.objectContaining({ code: 'QFH_SPARSE_BAD_CHUNK' }),
      }),
      expect.objectContaining({ event: 'result', ok: false, exitCode: 1 }),
    ]);
  });
});

describe('qfh inspect on inputs it makes itself', () => {
  it('decodes Sahara packet hex given on the command line', async () => {
    const { code, stdout } = await inProcess('inspect', '--json', '0d0000000c00000002000000');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      kind: 'sahara',
      input: '0d0000000c00000002000000',
      sahara: [{ type: 'execute', clientCommand: 2 }],
    });
  });

  it('shows a whole package with findings in text, naming the override flags', async () => {
    const files = {
      'update/sbl1.mbn': bytesOf(1000),
      'update/firehose/prog_nand_firehose_9x07.mbn': elfStub(),
      'update/firehose/rawprogram_nand_p2K_b128K_update.xml':
        '<?xml version="1.0" ?><data><program SECTOR_SIZE_IN_BYTES="2048" filename="..\\sbl1.mbn" num_partition_sectors="640" physical_partition_number="0" start_sector="0"/><program SECTOR_SIZE_IN_BYTES="2048" filename="..\\gone.ubi" num_partition_sectors="640" physical_partition_number="0" start_sector="640"/></data>',
    };
    const root = await makePackage({ ...files, 'md5.txt': md5Txt(files) });
    const { code, stdout } = await qfh('inspect', root);
    expect(code).toBe(0);
    expect(stdout).toContain('programmer: update/firehose/prog_nand_firehose_9x07.mbn');
    expect(stdout).toContain('NAND geometry: 2 KiB pages, 128 KiB blocks');
    expect(stdout).toMatch(/REFUSE PKG_FILE_MISSING: .*gone\.ubi.*\(override: --skip-missing\)/);
  });

  it.each([
    [['inspect'], 2],
    [[], 2],
    [['frobnicate'], 2],
    [['inspect', '/no/such/file'], 2],
  ])('qfh %j exits %i with a message and no stack trace', async (args, expected) => {
    const { code, stderr } = await qfh(...args);
    expect(code).toBe(expected);
    expect(stderr).toMatch(/^qfh: /);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('prints help', async () => {
    const { code, stdout } = await qfh('--help');
    expect(code).toBe(0);
    expect(stdout).toContain('qfh inspect <input>');
  });
});
