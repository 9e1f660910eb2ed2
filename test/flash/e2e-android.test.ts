import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import { flash } from '../../src/flash/index.js';
import { SimulatedModem } from '../../src/sim/index.js';
import { androidPackage } from '../helpers/android-package.js';
import { bytesOf } from '../helpers/package-dir.js';
import { describeReal, realBytes, realText } from '../helpers/real.js';
import { applyPatches, lines, padded, sectorOf } from '../helpers/reference.js';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Independent expectation: each program line's range holds its content (file-patched for GPT files). */
function checkStorage(
  modem: SimulatedModem,
  xml: Record<string, string>,
  content: Map<string, Uint8Array>,
): number {
  let checked = 0;
  const patches = Object.entries(xml)
    .filter(([n]) => n.startsWith('patch'))
    .flatMap(([, t]) => lines(t, 'patch'));
  for (const [name, text] of Object.entries(xml)) {
    if (!name.startsWith('rawprogram')) continue;
    for (const p of lines(text, 'program')) {
      const file = p['filename'] ?? '';
      const data = content.get(file);
      if (!file || !data) continue;
      const lun = Number(p['physical_partition_number']);
      const disk = modem.storage.sectors(lun) ?? 0;
      const size = Number(p['SECTOR_SIZE_IN_BYTES']);
      const own = patches.filter((x) => x['filename'] === file);
      const expected = padded(own.length ? applyPatches(data, own, disk) : data, size);
      const start = sectorOf(p['start_sector'] ?? '0', disk);
      expect({
        file,
        start,
        sha: sha(modem.storage.export(lun, start, expected.length / size)),
      }).toEqual({ file, start, sha: sha(expected) });
      checked++;
    }
  }
  return checked;
}

describeReal('qfh flash of real Android rawprogram/patch sets onto simulated eMMC and UFS', () => {
  it('OnePlus X (MSM8974, eMMC): real rawprogram0, patch0 and GPT files; sparse images expanded; GPTs patched for the disk', async () => {
    const dir = 'android-emmc-oneplus-x-msm8974';
    const xml = {
      'rawprogram0.xml': realText(dir, 'rawprogram0.xml'),
      'patch0.xml': realText(dir, 'patch0.xml'),
    };
    const { root, content } = await androidPackage(
      xml,
      {
        'gpt_main0.bin': realBytes(dir, 'gpt_main0.bin'),
        'gpt_backup0.bin': realBytes(dir, 'gpt_backup0.bin'),
      },
      512,
    );
    const modem = new SimulatedModem({ profile: 'msm8974-emmc' });
    const report = await flash(root, modem.connect(), {});
    expect(report).toMatchObject({ ok: true, state: 'flashed' });
    expect(
      report.ops.filter((o) => o.kind === 'program').every((o) => o.verified === 'sha256'),
    ).toBe(true);
    expect(checkStorage(modem, xml, content)).toBeGreaterThan(10);
    expect(modem.firehoseRuns[0]?.commands.filter((c) => c.tag === 'patch')).toHaveLength(13);
    expect(
      modem.firehoseRuns[0]?.commands.find((c) => c.tag === 'setbootablestoragedrive')?.attributes,
    ).toEqual([['value', '0']]);
  });

  it('Xiaomi K20 Pro (SM8150, UFS): real rawprogram0/3/4 and patch4 across LUNs 0, 3 and 4', async () => {
    const dir = 'android-ufs-xiaomi-raphael-sm8150';
    const xml = {
      'rawprogram0.xml': realText(dir, 'rawprogram0.xml'),
      'rawprogram3.xml': realText(dir, 'rawprogram3.xml'),
      'rawprogram4.xml': realText(dir, 'rawprogram4.xml'),
      'patch4.xml': realText(dir, 'patch4.xml'),
    };
    const gpt = (n: number, sectors: number): Uint8Array => bytesOf(sectors * 4096, 100 + n);
    const real = {
      'gpt_main0.bin': gpt(0, 6),
      'gpt_backup0.bin': gpt(1, 5),
      'gpt_main3.bin': gpt(3, 6),
      'gpt_backup3.bin': gpt(4, 5),
      'gpt_main4.bin': gpt(5, 6),
      'gpt_backup4.bin': gpt(6, 5),
    };
    const { root, content } = await androidPackage(xml, real, 4096);
    const modem = new SimulatedModem({ profile: 'sm8150-ufs' });
    const report = await flash(root, modem.connect(), {});
    expect(report.ok).toBe(true);
    expect(checkStorage(modem, xml, content)).toBeGreaterThan(30);
    expect(
      modem.firehoseRuns[0]?.commands.find((c) => c.tag === 'setbootablestoragedrive')?.attributes,
    ).toEqual([['value', '1']]);
  });
});
