import { expect, it } from 'vitest';
import { flash } from '../../src/flash/index.js';
import { NO_DIGEST_NOTE } from '../../src/flash/skip-unchanged.js';
import { readPackage } from '../../src/package/index.js';
import { buildTestProgrammer, SimulatedModem } from '../../src/sim/index.js';
import { bytesOf, makePackage } from '../helpers/package-dir.js';

const A = 'PAGES_PER_BLOCK="64" SECTOR_SIZE_IN_BYTES="2048" physical_partition_number="0"';

/** An EG25-G package: one image with its erase, at block 100. */
async function eg25gPackage(): Promise<string> {
  const lines = [
    `<erase ${A} num_partition_sectors="128" start_sector="6400"/>`,
    `<program ${A} filename="..\\a.ubi" num_partition_sectors="128" start_sector="6400"/>`,
  ];
  return makePackage(
    {
      'update/firehose/rawprogram_nand_p2K_b128K_update.xml': `<?xml version="1.0" ?>\n<data>\n${lines.join('\n')}\n</data>\n`,
      'update/firehose/prog_nand_firehose_9x07.mbn': buildTestProgrammer(),
      'update/a.ubi': bytesOf(100_000, 3),
    },
    'no-digest-pkg',
  );
}

for (const how of ['its banner lists no getsha256digest', 'it refuses getsha256digest'] as const)
  it(`with a programmer that has no digest (${how}), --skip-unchanged says so and writes everything`, async () => {
    const root = await eg25gPackage();
    const pkg = await readPackage(root, { verifyMd5: false });
    const modem = new SimulatedModem({
      profile: 'eg25g',
      holdEdl: true,
      // Without its banner the host cannot know the function list and has to ask.
      holdBanner: how === 'it refuses getsha256digest',
    });
    // The second time the same bytes are on the modem: only the missing digest makes qfh write them.
    for (let n = 0; n < 2; n++) {
      await modem.waitForEnumeration();
      const report = await flash(pkg, modem.connect(), {
        accept: ['allow-missing-md5'],
        skipUnchanged: true,
      });
      expect(report.skipUnchanged).toEqual({
        compared: 0,
        unchanged: 0,
        bytesSkipped: 0,
        note: NO_DIGEST_NOTE,
      });
      expect(report.ops.filter((o) => o.skipped)).toEqual([]);
      const tags = modem.firehoseRuns.at(-1)?.commands.map((c) => c.tag) ?? [];
      expect(tags.filter((t) => t === 'erase' || t === 'program')).toEqual(['erase', 'program']);
      expect(tags.filter((t) => t === 'getsha256digest').length).toBe(
        how === 'it refuses getsha256digest' ? 1 : 0,
      );
    }
  });
