/**
 * The GPT a package writes is checked against the modem's disk before any write: the real
 * OnePlus X (MSM8974) package, its gpt_main0.bin or rawprogram edited as a bad package would
 * be, onto the simulated eMMC. Its patch0.xml recomputes both CRCs, so each edit reaches the
 * check as a consistent table; the simulator's own log must show no erase, program or patch.
 */
import { expect, it } from 'vitest';
import { PlanRefusedError } from '../../src/errors.js';
import { flash } from '../../src/flash/index.js';
import { SimulatedModem } from '../../src/sim/index.js';
import { androidPackage } from '../helpers/android-package.js';
import { describeReal, realBytes, realText } from '../helpers/real.js';

const DIR = 'android-emmc-oneplus-x-msm8974';
const WRITES = new Set(['erase', 'program', 'patch']);

/** Byte offset of the GPT entry named `name` (entries from LBA 2, 128 bytes each). */
function entryOf(gpt: Buffer, name: string): number {
  for (let at = 1024; at < 1024 + 128 * 128; at += 128)
    if (
      gpt
        .subarray(at + 56, at + 128)
        .toString('utf16le')
        .replace(/\0.*$/s, '') === name
    )
      return at;
  throw new Error(`no entry ${name}`);
}

async function refusal(edit: {
  gpt?: (gpt: Buffer, diskSectors: bigint) => void;
  rawprogram?: (text: string) => string;
  patch?: (text: string) => string;
}): Promise<{ messages: string[]; writes: number }> {
  const modem = new SimulatedModem({ profile: 'msm8974-emmc' });
  const disk = BigInt(modem.storage.sectors(0) ?? 0);
  const gpt = Buffer.from(realBytes(DIR, 'gpt_main0.bin'));
  edit.gpt?.(gpt, disk);
  const xml = {
    'rawprogram0.xml': (edit.rawprogram ?? ((t) => t))(realText(DIR, 'rawprogram0.xml')),
    'patch0.xml': (edit.patch ?? ((t) => t))(realText(DIR, 'patch0.xml')),
  };
  const real = { 'gpt_main0.bin': gpt, 'gpt_backup0.bin': realBytes(DIR, 'gpt_backup0.bin') };
  const { root } = await androidPackage(xml, real, 512);
  const e = await flash(root, modem.connect(), {}).catch((x: unknown) => x);
  if (!(e instanceof PlanRefusedError)) throw new Error(`not refused: ${String(e)}`);
  const writes = modem.firehoseRuns.flatMap((r) => r.commands).filter((c) => WRITES.has(c.tag));
  const messages = e.refusals.filter((f) => f.code === 'PLAN_GPT_INVALID').map((f) => f.message);
  return { messages, writes: writes.length };
}

describeReal('the GPT a package writes is checked against the disk before any write', () => {
  it('overlapping partitions', async () => {
    const r = await refusal({
      gpt: (g) => {
        const sbl1 = entryOf(g, 'sbl1');
        g.writeBigUInt64LE(g.readBigUInt64LE(entryOf(g, 'dbi') + 32), sbl1 + 40); // sbl1 ends in dbi
      },
    });
    expect(r.writes).toBe(0);
    expect(r.messages.join('\n')).toMatch(
      /partitions sbl1 \(147456–148480\) and dbi \(148480–\d+\) overlap/,
    );
  });

  it('a partition past the end of the disk (a table for a larger one)', async () => {
    const r = await refusal({
      gpt: (g, disk) => g.writeBigUInt64LE(3n * disk, entryOf(g, 'tz') + 40),
    });
    expect(r.writes).toBe(0);
    expect(r.messages.join('\n')).toMatch(
      /partition tz \(sectors 229376–\d+\) is outside the usable area/,
    );
  });

  it('a header made for another disk size', async () => {
    const r = await refusal({
      // The shipped header says where its backup is, and the patch no longer corrects it.
      gpt: (g, disk) => g.writeBigUInt64LE(3n * disk - 1n, 512 + 32),
      patch: (t) =>
        t
          .split('\n')
          .filter((l) => !/gpt_main0.*BackupGPT Header Location/.test(l))
          .join('\n'),
    });
    expect(r.writes).toBe(0);
    expect(r.messages.join('\n')).toMatch(/made for a disk of \d+ sectors; this one has \d+/);
  });

  it('a program line that writes a partition somewhere else than the table puts it', async () => {
    const r = await refusal({
      // Into the table's gap after dbi, where no other line writes: only the table says no.
      rawprogram: (t) =>
        t.replace(
          /(filename="boot\.img" label="boot" )num_partition_sectors="32768"([^>]*start_sector=")196608"/,
          '$1num_partition_sectors="100"$2148544"',
        ),
    });
    expect(r.writes).toBe(0);
    expect(r.messages.join('\n')).toMatch(
      /writes boot at sectors 148544–\d+, but the table puts boot at 196608–229375/,
    );
  });
});
