import { appendFile, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AcceptFlag } from '../../src/accept-flags.js';
import { describe, expect, it } from 'vitest';
import { edlRecover, flash, FlashError, type FlashReport } from '../../src/flash/index.js';
import {
  buildDemoPackage,
  buildTestProgrammer,
  SimulatedModem,
  type FaultPlan,
} from '../../src/sim/index.js';
import { encodeSparse } from '../../src/sparse/index.js';
import { PlanRefusedError } from '../../src/errors.js';
import { Counting } from '../helpers/counting.js';
import { makePackage, md5Txt } from '../helpers/package-dir.js';
import { demoMismatches } from '../helpers/demo-expected.js';

import { DEMO_RAWPROGRAM as RP } from '../helpers/demo-expected.js';

async function demo(): Promise<string> {
  return buildDemoPackage(await mkdtemp(join(tmpdir(), 'qfh-pkg-')));
}

/** The demo package's images must be on the modem, padded (the test's own check). */
async function expectFlashed(modem: SimulatedModem, root: string): Promise<void> {
  expect(await demoMismatches(modem, root)).toEqual([]);
}

async function refusedWithNothingSent(
  root: string,
  code: string,
  accept: AcceptFlag[] = [],
  modemRevision?: string,
): Promise<void> {
  const modem = new SimulatedModem({ profile: 'eg25g' });
  const link = new Counting(modem.connect());
  const e = await flash(root, link, { accept, ...(modemRevision ? { modemRevision } : {}) }).catch(
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(PlanRefusedError);
  expect((e as PlanRefusedError).refusals.map((r) => r.code)).toContain(code);
  expect(link.writes).toBe(0);
  expect(modem.saharaBoots[0]?.trace.reads).toEqual([]);
  expect(modem.firehoseRuns).toEqual([]);
}

describe('bad packages are refused with zero bytes sent to the modem: damaged or unsafe files', () => {
  it('md5 mismatch (and --allow-md5-mismatch accepts exactly that)', async () => {
    const root = await demo();
    await appendFile(join(root, 'update/rpm.mbn'), Buffer.from([1]));
    await refusedWithNothingSent(root, 'PKG_MD5_MISMATCH');
    const modem = new SimulatedModem({ profile: 'eg25g' });
    expect((await flash(root, modem.connect(), { accept: ['allow-md5-mismatch'] })).ok).toBe(true);
  });

  it('a missing image', async () => {
    const root = await demo();
    await rm(join(root, 'update/rpm.mbn'));
    await refusedWithNothingSent(root, 'PKG_FILE_MISSING');
  });

  it('an image larger than its partition', async () => {
    const root = await demo();
    await truncate(join(root, 'update/rpm.mbn'), 576 * 2048 + 1);
    await refusedWithNothingSent(root, 'PKG_IMAGE_TOO_LARGE', ['allow-md5-mismatch']);
  });

  it('a path that leaves the package', async () => {
    const root = await demo();
    const rp = await readFile(join(root, RP), 'utf8');
    await writeFile(join(root, RP), rp.replace('..\\rpm.mbn', '..\\..\\..\\..\\..\\etc\\passwd'));
    await refusedWithNothingSent(root, 'PKG_PATH_ESCAPE', ['allow-md5-mismatch']);
  });

  it('an attribute-less erase (a whole-device wipe)', async () => {
    const root = await demo();
    const rp = await readFile(join(root, RP), 'utf8');
    await writeFile(join(root, RP), rp.replace('</data>', '<erase />\n</data>'));
    await refusedWithNothingSent(root, 'PKG_ERASE_WHOLE_DEVICE', ['allow-md5-mismatch']);
  });
});

describe('bad packages are refused with zero bytes sent to the modem: corrupt images, junk folders', () => {
  it('a corrupt sparse image', async () => {
    const good = encodeSparse(new Uint8Array(8 * 4096).fill(7), { blockSize: 4096 });
    const files = {
      'rawprogram0.xml':
        '<?xml version="1.0" ?><data><program SECTOR_SIZE_IN_BYTES="512" filename="system.img" label="system" num_partition_sectors="1024" physical_partition_number="0" sparse="true" start_sector="2048"/></data>',
      'system.img': good.subarray(0, good.length - 3),
      'prog_emmc_firehose_8974.mbn': buildTestProgrammer(),
    };
    await refusedWithNothingSent(
      await makePackage({ ...files, 'md5.txt': md5Txt(files) }),
      'PKG_SPARSE_CORRUPT',
    );
  });

  it('a folder of AppleDouble junk only', async () => {
    const junk = Uint8Array.from([0x00, 0x05, 0x16, 0x07, ...new Uint8Array(100)]);
    await refusedWithNothingSent(
      await makePackage({
        'update/firehose/._rawprogram_nand_p2K_b128K_update.xml': junk,
        'update/firehose/._prog_nand_firehose_9x07.mbn': junk,
      }),
      'PKG_NO_RAWPROGRAM',
    );
  });
});

describe('packages wrong for this modem are refused before any erase or program', () => {
  it('a 2 KiB-page package on a 4 KiB-page modem: refused after the modem said so, before any erase or program', async () => {
    const modem = new SimulatedModem({ profile: 'rm500q' });
    const e = await flash(await demo(), modem.connect()).catch((x: unknown) => x);
    expect((e as PlanRefusedError).refusals.map((r) => r.code)).toContain(
      'PLAN_SECTOR_SIZE_MISMATCH',
    );
    expect(modem.firehoseRuns[0]?.commands.map((c) => c.tag)).toEqual([
      'configure',
      'getstorageinfo',
    ]);
  });

  it('the wrong variant and a downgrade, when the modem revision is known; each flag accepts exactly its risk', async () => {
    const root = await demo();
    await refusedWithNothingSent(root, 'PLAN_VARIANT_MISMATCH', [], 'EG25GGCR07A08M1G');
    await refusedWithNothingSent(
      root,
      'PLAN_NAND_SIZE_MISMATCH',
      ['force-variant'],
      'EG25GGCR07A08M1G',
    );
    await refusedWithNothingSent(root, 'PLAN_DOWNGRADE', [], 'EG25GGBR07A08M2G_30.007.30.007');
    const modem = new SimulatedModem({ profile: 'eg25g' });
    expect(
      (
        await flash(root, modem.connect(), {
          modemRevision: 'EG25GGBR07A08M2G_30.007.30.007',
          accept: ['allow-downgrade'],
        })
      ).ok,
    ).toBe(true);
  }, 10_000);
});

const failedReport = async (
  root: string,
  faults: FaultPlan,
): Promise<{ modem: SimulatedModem; report: FlashReport }> => {
  const modem = new SimulatedModem({ profile: 'eg25g', faults });
  const e = await flash(root, modem.connect()).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(FlashError);
  return { modem, report: (e as FlashError).report as FlashReport };
};

describe('faults in the middle of a flash, then edl-recover', () => {
  for (const [name, faults] of [
    ['a disconnect during the NON-HLOS program', { disconnectAtCommand: 20 }],
    ['a NAK of a program', { nakCommand: 18 }],
    ['power lost in the middle of a NAND page', { powerLossAtProgramByte: 9_000_000 }],
  ] as [string, FaultPlan][]) {
    it(`${name}: the report says what was done and what to run next; edl-recover restores the image`, async () => {
      const root = await demo();
      const { modem, report } = await failedReport(root, faults);
      expect(report.ok).toBe(false);
      expect(report.state).toBe('partial');
      expect(report.ops.length).toBeGreaterThan(5);
      expect(report.ops.length).toBeLessThan(report.opsTotal);
      expect(report.next).toMatch(/qfh edl-recover/);
      // The user replugs (or power-cycles) the modem: it comes back in EDL with what was half written.
      modem.powerOn('edl');
      const healthy = new SimulatedModem({ profile: 'eg25g', storage: modem.storage });
      const recovered = await edlRecover(root, healthy.connect());
      expect(recovered.ok).toBe(true);
      await expectFlashed(healthy, root);
    });
  }
});
