/**
 * A device flushes its write cache before the final ACK of a program, and the flush grows
 * with the range: the wait for that ACK scales with the bytes programmed (`programFinalPerGiB`),
 * as an erase's does. The simulated programmer takes 500 ms per MiB before that ACK here.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { flash } from '../../src/flash/index.js';
import { buildTestProgrammer, SimulatedModem } from '../../src/sim/index.js';
import { timeoutsFor, programFinalTimeout } from '../../src/timeouts.js';
import { flashFailure } from '../helpers/flash-failure.js';
import { bytesOf } from '../helpers/package-dir.js';

const MIB = 1 << 20;
let pkg: string;
beforeAll(async () => {
  pkg = await mkdtemp(join(tmpdir(), 'qfh-flush-'));
  await mkdir(pkg, { recursive: true });
  await writeFile(
    join(pkg, 'rawprogram0.xml'),
    `<?xml version="1.0" ?><data><program SECTOR_SIZE_IN_BYTES="512" filename="big.img" label="big" num_partition_sectors="${(6 * MIB) / 512}" physical_partition_number="0" start_sector="2048"/></data>`,
  );
  await writeFile(join(pkg, 'big.img'), bytesOf(6 * MIB, 3));
  await writeFile(join(pkg, 'prog_emmc_firehose_8974.mbn'), buildTestProgrammer());
});

const modem = () =>
  new SimulatedModem({ profile: 'msm8974-emmc', faults: { programFlushMsPerMiB: 500 } });
const options = { accept: ['allow-missing-md5'], verify: false } as const;

it('the final ACK wait grows with the bytes programmed', () => {
  const t = timeoutsFor('emmc');
  expect(programFinalTimeout(t, 0)).toBe(t.programFinal);
  expect(programFinalTimeout(t, 1 << 30)).toBe(t.programFinal + t.programFinalPerGiB);
});

it('a 6 MiB program whose ACK comes 3 s after its data: waited for when the wait scales', async () => {
  // 1 s, plus 1 s per MiB: 7 s for this range.
  const timeouts = { programFinal: 1_000, programFinalPerGiB: 1_024_000 };
  const report = await flash(pkg, modem().connect(), { ...options, timeouts });
  expect(report.state).toBe('flashed');
});

it('the same, with a wait that does not scale: a timeout', async () => {
  const timeouts = { programFinal: 1_000, programFinalPerGiB: 0 };
  const e = await flashFailure(flash(pkg, modem().connect(), { ...options, timeouts }));
  expect(e.code).toBe('QFH_FIREHOSE_TIMEOUT');
});
