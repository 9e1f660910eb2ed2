import { truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { buildMibib, buildTestProgrammer } from '../../src/sim/index.js';
import { describeReal, realBytes, realText } from '../helpers/real.js';
import { bytesOf, makePackage, md5Txt, writeMd5Txt } from '../helpers/package-dir.js';

/** `tag a="b" …` with attributes in order, whatever the spacing of the source. */
const canonical = (tag: string, attributes: [string, string][]): string =>
  `${tag} ${attributes.map(([k, v]) => `${k}="${v}"`).join(' ')}`;
const parseLine = (line: string): string => {
  const tag = /^<(\w+)/.exec(line)?.[1] ?? '';
  return canonical(
    tag,
    [...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1] ?? '', m[2] ?? '']),
  );
};

/** File sizes QFirehose logged for the real GC session ("send ../tz.mbn, filesize=526844"). */
function loggedSizes(log: string): Map<string, number> {
  return new Map(
    [...log.matchAll(/send (\S+), filesize=(\d+)/g)].map((m) => [
      (m[1] ?? '').replace(/^\.\.\//, 'update/').replace(/^([^/]+)$/, 'update/firehose/$1'),
      Number(m[2]),
    ]),
  );
}

async function planJson(
  root: string,
): Promise<{ ops: { kind: string; sent: [string, string][] }[] }> {
  const { code, stdout } = await runCli(['plan', '--json', root]);
  expect(code).toBe(0);
  return JSON.parse(stdout) as { ops: { kind: string; sent: [string, string][] }[] };
}

describeReal('qfh plan reproduces the real QFirehose session', () => {
  it('EG25-G GC 30.203: exactly the erase and program commands QFirehose sent, in order, with num_partition_sectors rewritten', async () => {
    const dir = 'quectel-eg25g-gc-30.203.30.203';
    const log = realText(dir, 'qfirehose-eg25ggc-session.log.txt');
    const sizes = loggedSizes(log);
    expect(sizes.size).toBe(9);
    const files: Record<string, string | Uint8Array> = {
      'update/firehose/rawprogram_nand_p2K_b128K_update.xml': realBytes(
        dir,
        'rawprogram_nand_p2K_b128K_update.xml',
      ),
      'update/firehose/patch_p2K_b128K.xml': realBytes(dir, 'patch_p2K_b128K.xml'),
      'update/firehose/prog_nand_firehose_9x07.mbn': buildTestProgrammer(),
      'update/firehose/partition_complete_p2K_b128K.mbn': buildMibib([]),
    };
    for (const [path, size] of sizes)
      if (!files[path]) files[path] = bytesOf(Math.min(size, 4096), 1);
    const root = await makePackage({ ...files }, 'EG25GGCR07A08M1G_30.203.30.203');
    // Give every image its logged size (sparse files: no 58 MB written).
    for (const [path, size] of sizes) await truncate(join(root, path), size);
    await writeMd5Txt(root, Object.keys(files));
    const plan = await planJson(root);
    const ours = plan.ops
      .filter((o) => o.kind === 'erase' || o.kind === 'program')
      .map((o) => canonical(o.kind, o.sent));
    const theirs = log
      .split(/\r?\n/)
      .map((l) => /^\[[\d.]+\]:? (<(?:erase|program) .*\/>)\s*$/.exec(l)?.[1])
      .filter((l): l is string => l !== undefined)
      .map(parseLine);
    expect(theirs).toHaveLength(18);
    expect(ours).toEqual(theirs);
  });

  for (const dir of [
    'quectel-eg25g-30.006',
    'quectel-eg25g-30.004.30.004',
    'quectel-eg25g-ocpu-01.001.01.001',
  ]) {
    it(`${dir} plans in the same order: sector-0 erase first, other erases in file order, programs in file order, sbl1 last`, async () => {
      const rp = realText(dir, 'rawprogram_nand_p2K_b128K_update.xml');
      const entries = [...rp.matchAll(/<(program|erase) ([^>]*)\/>/g)].map((m) => ({
        tag: m[1] ?? '',
        start: /start_sector="(\d+)"/.exec(m[2] ?? '')?.[1] ?? '',
        file: /filename="([^"]*)"/.exec(m[2] ?? '')?.[1],
      }));
      const files: Record<string, string | Uint8Array> = {
        'update/firehose/rawprogram_nand_p2K_b128K_update.xml': rp,
        'update/firehose/prog_nand_firehose_9x07.mbn': buildTestProgrammer(),
      };
      for (const e of entries)
        if (e.file)
          files[e.file.replace(/^\.\.\\/, 'update/').replace(/^([^/]+)$/, 'update/firehose/$1')] =
            bytesOf(3000, 2);
      const plan = await planJson(
        await makePackage({ ...files, 'md5.txt': md5Txt(files) }, 'EG25GGBR07A08M2G_x'),
      );
      const got = plan.ops
        .filter((o) => o.kind !== 'reset')
        .map((o) => `${o.kind} ${o.sent.find(([k]) => k === 'start_sector')?.[1]}`);
      const erases = entries.filter((e) => e.tag === 'erase');
      const programs = entries.filter((e) => e.tag === 'program');
      const expected = [
        ...erases.filter((e) => e.start === '0'),
        ...erases.filter((e) => e.start !== '0'),
        ...programs.filter((e) => e.start !== '0'),
        ...programs.filter((e) => e.start === '0'),
      ].map((e) => `${e.tag} ${e.start}`);
      expect(got).toEqual(expected);
    });
  }
});
