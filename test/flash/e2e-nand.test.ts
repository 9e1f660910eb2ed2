import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import { flash } from '../../src/flash/index.js';
import {
  buildMibib,
  buildTestProgrammer,
  SimulatedModem,
  type MibibEntry,
} from '../../src/sim/index.js';
import { describeReal, realBytes, realText } from '../helpers/real.js';
import { bytesOf, makePackage, md5Txt } from '../helpers/package-dir.js';
import { lines, padded } from '../helpers/reference.js';

const RP = 'rawprogram_nand_p2K_b128K_update.xml';
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** A Quectel-layout package: the real XML files, generated images sized to fit (odd lengths), our own md5.txt. */
async function quectelPackage(
  name: string,
  xml: Record<string, Uint8Array | string>,
  imageCap: number,
): Promise<{ root: string; images: Map<string, Uint8Array> }> {
  const rawprogram = String(
    xml[`update/firehose/${RP}`] ??
      Object.entries(xml).find(([k]) => k.includes('rawprogram'))?.[1],
  );
  const images = new Map<string, Uint8Array>();
  let seed = 1;
  for (const p of lines(rawprogram, 'program')) {
    const file = (p['filename'] ?? '')
      .replace(/^\.\.\\/, 'update/')
      .replace(/^([^/]+)$/, 'update/firehose/$1');
    if (images.has(file) || xml[file] !== undefined) continue;
    const capacity = Number(p['num_partition_sectors']) * Number(p['SECTOR_SIZE_IN_BYTES']);
    images.set(file, bytesOf(Math.min(capacity - 777, imageCap), seed++));
  }
  const files: Record<string, Uint8Array | string> = {
    ...xml,
    ...Object.fromEntries(images),
    'update/firehose/prog_nand_firehose_9x07.mbn': buildTestProgrammer(),
  };
  for (const [k, v] of Object.entries(xml)) if (typeof v !== 'string') images.set(k, v);
  return { root: await makePackage({ ...files, 'md5.txt': md5Txt(files) }, name), images };
}

/** Independent expectation: every programmed range holds its image, zero-padded; every other erased range is 0xFF. */
function checkStorage(
  modem: SimulatedModem,
  rawprogram: string,
  images: Map<string, Uint8Array>,
): number {
  let checked = 0;
  const programs = lines(rawprogram, 'program');
  for (const e of lines(rawprogram, 'erase')) {
    const start = Number(e['start_sector']);
    const count = Number(e['num_partition_sectors']);
    const size = Number(e['SECTOR_SIZE_IN_BYTES']);
    const expected = new Uint8Array(count * size).fill(0xff);
    for (const p of programs.filter((x) => Number(x['start_sector']) === start)) {
      const file = (p['filename'] ?? '')
        .replace(/^\.\.\\/, 'update/')
        .replace(/^([^/]+)$/, 'update/firehose/$1');
      expected.set(padded(images.get(file) ?? new Uint8Array(0), size));
    }
    expect({ start, sha: sha(modem.storage.export(0, start, count)) }).toEqual({
      start,
      sha: sha(expected),
    });
    checked++;
  }
  return checked;
}

describeReal('qfh flash onto the simulated EG25-G: every real EG25-G version', () => {
  const versions: { dir: string; profile: string; mibib?: MibibEntry[] }[] = [
    { dir: 'quectel-eg25g-30.006', profile: 'eg25g' },
    { dir: 'quectel-eg25g-30.004.30.004', profile: 'eg25g' },
    { dir: 'quectel-eg25g-ocpu-01.001.01.001', profile: 'eg25g' },
    // The GC table binary is not public: a self-consistent one for a 1024-block NAND stands in.
    {
      dir: 'quectel-eg25g-gc-30.203.30.203',
      profile: 'eg25g-gc',
      mibib: Array.from({ length: 15 }, (_, i): MibibEntry =>
        i === 14
          ? ['0:system', 476, 1024 - 476, [255, 1, 0, 0]]
          : [`0:p${i}`, i * 30, 30, [255, 1, 0, 0]],
      ),
    },
  ];
  for (const v of versions) {
    it(`${v.dir}: storage equals the independently computed image, in QFirehose order`, async () => {
      const xml: Record<string, Uint8Array | string> = {
        [`update/firehose/${RP}`]: realBytes(v.dir, RP),
        'update/firehose/patch_p2K_b128K.xml': realBytes(v.dir, 'patch_p2K_b128K.xml'),
        'update/firehose/partition_complete_p2K_b128K.mbn': v.mibib
          ? buildMibib(v.mibib)
          : realBytes(v.dir, 'partition_complete_p2K_b128K.mbn'),
      };
      const { root, images } = await quectelPackage(`EG25GGBR07A08M2G_${v.dir}`, xml, 1 << 20);
      const modem = new SimulatedModem({ profile: v.profile });
      const report = await flash(root, modem.connect(), {});
      expect(report).toMatchObject({ ok: true, state: 'flashed' });
      expect(
        report.ops.filter((o) => o.kind === 'program').every((o) => o.verified === 'read-back'),
      ).toBe(true);
      // The 9x07 programmer announces no digest function; the report says so, per image.
      expect(
        report.ops
          .filter((o) => o.kind === 'program')
          .every((o) => /no getsha256digest/.test(o.verifyNote ?? '')),
      ).toBe(true);
      const rawprogram = realText(v.dir, RP);
      expect(checkStorage(modem, rawprogram, images)).toBe(lines(rawprogram, 'erase').length);
      const order =
        modem.firehoseRuns[0]?.commands
          .filter((c) => c.tag === 'erase' || c.tag === 'program')
          .map((c) => `${c.tag} ${c.attributes.find(([k]) => k === 'start_sector')?.[1]}`) ?? [];
      expect(order[0]).toBe('erase 0');
      expect(order.at(-1)).toBe('program 0');
      expect(order.findIndex((o) => o.startsWith('program'))).toBeGreaterThan(
        order.filter((o) => o.startsWith('erase')).length - 1,
      );
      expect(modem.state).not.toBe('edl');
    });
  }
});

describeReal(
  'qfh flash onto the simulated RM500Q (SDX55, 4 KiB pages), package rebuilt from the real session log',
  () => {
    it('storage equals the independently computed image', async () => {
      const log = realText('logs', 'qfirehose-v1.3.2_rm500q-sdx55_usb_openwrt.log.txt');
      const commands = log
        .split(/\r?\n/)
        .map((l) => /^\[[\d.]+\]:? (<(?:erase|program) .*\/>)\s*$/.exec(l)?.[1])
        .filter((l): l is string => l !== undefined);
      const rawprogram = `<?xml version="1.0" ?>\n<data>\n${commands.map((c) => `  ${c}`).join('\n')}\n</data>\n`;
      expect(lines(rawprogram, 'program').length).toBe(20);
      const { root, images } = await quectelPackage(
        'RM500QGLAAR01A01M4G_01.001.01.001',
        { 'update/firehose/rawprogram_nand_p4K_b256K_factory.xml': rawprogram },
        1 << 20,
      );
      const modem = new SimulatedModem({ profile: 'rm500q' });
      const report = await flash(root, modem.connect(), {});
      expect(report.ok).toBe(true);
      expect(
        report.ops.filter((o) => o.kind === 'program').every((o) => o.verified === 'sha256'),
      ).toBe(true);
      // Only regions both erased and programmed are compared; the log's programs cover each erase's start.
      const erased = lines(rawprogram, 'erase').length;
      expect(checkStorage(modem, rawprogram, images)).toBe(erased);
    });
  },
);

/** Pages of LUN 0 from `start`, skipping bad blocks the way the NAND programmer does. */
function logicalPages(modem: SimulatedModem, start: number, pages: number): Uint8Array {
  const ppb = modem.profile.storage.pagesPerBlock ?? 1;
  const bad = new Set(modem.profile.storage.badBlocks ?? []);
  const size = modem.storage.sectorSize;
  const out = new Uint8Array(pages * size);
  let physical = start;
  for (let page = 0; page < pages; physical++) {
    if (bad.has(Math.floor(physical / ppb))) continue;
    out.set(modem.storage.export(0, physical, 1), page * size);
    page++;
  }
  return out;
}

describeReal(
  'qfh flash onto the simulated EM20 (SDX24, two bad blocks), package rebuilt from the real session log',
  () => {
    it('every image verified by getsha256digest, and on the NAND past its bad blocks', async () => {
      const log = realText('logs', 'qfirehose-v1.1.8_em20-sdx24_usb.log.txt');
      const commands = log
        .split(/\r?\n/)
        .map((l) => /^\[[\d.]+\]:? (<(?:erase|program) .*\/>)\s*$/.exec(l)?.[1])
        .filter((l): l is string => l !== undefined);
      const rawprogram = `<?xml version="1.0" ?>\n<data>\n${commands.map((c) => `  ${c}`).join('\n')}\n</data>\n`;
      const { root, images } = await quectelPackage(
        'EM20GRAR01A04V01M4G_01.001.01.001',
        { 'update/firehose/rawprogram_nand_p4K_b256K_factory.xml': rawprogram },
        3 << 20,
      );
      const modem = new SimulatedModem({ profile: 'em20' });
      const report = await flash(root, modem.connect(), {});
      expect(report.ok).toBe(true);
      const programs = report.ops.filter((o) => o.kind === 'program');
      expect(programs.map((o) => o.verified)).toEqual(programs.map(() => 'sha256'));
      for (const p of lines(rawprogram, 'program')) {
        const file = (p['filename'] ?? '')
          .replace(/^\.\.\\/, 'update/')
          .replace(/^([^/]+)$/, 'update/firehose/$1');
        const data = padded(images.get(file) ?? new Uint8Array(0), 4096);
        const stored = logicalPages(modem, Number(p['start_sector']), data.length / 4096);
        expect({ file, sha: sha(stored) }).toEqual({ file, sha: sha(data) });
      }
    });
  },
);
