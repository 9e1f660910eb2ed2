import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { flash } from '../../src/flash/index.js';
import { readPackage } from '../../src/package/index.js';
import { buildTestProgrammer, SimulatedModem } from '../../src/sim/index.js';
import { bytesOf, makePackage } from '../helpers/package-dir.js';

const PAGE = 4096;
const BLOCK = 64; // pages
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const A = 'PAGES_PER_BLOCK="64" SECTOR_SIZE_IN_BYTES="4096" physical_partition_number="0"';

/** An RM500Q-shaped package: images a, b with their erases, c with none, an erase-only d. */
function layout(): { file: string; start: number; blocks: number; bytes: number }[] {
  return [
    { file: 'a.ubi', start: 40 * BLOCK, blocks: 4, bytes: 3 * BLOCK * PAGE + 1000 },
    { file: 'b.ubi', start: 44 * BLOCK, blocks: 3, bytes: 2 * BLOCK * PAGE },
    { file: 'c.mbn', start: 50 * BLOCK, blocks: 1, bytes: 7 * PAGE + 5 },
  ];
}

async function nandPackage(contents: Map<string, Uint8Array>): Promise<string> {
  const lines: string[] = [];
  for (const i of layout().slice(0, 2))
    lines.push(
      `<erase ${A} num_partition_sectors="${i.blocks * BLOCK}" start_sector="${i.start}"/>`,
    );
  lines.push(`<erase ${A} num_partition_sectors="${2 * BLOCK}" start_sector="${60 * BLOCK}"/>`);
  for (const i of layout())
    lines.push(
      `<program ${A} filename="..\\${i.file}" num_partition_sectors="${i.blocks * BLOCK}" start_sector="${i.start}"/>`,
    );
  const files: Record<string, string | Uint8Array> = {
    'update/firehose/rawprogram_nand_p4K_b256K_update.xml': `<?xml version="1.0" ?>\n<data>\n${lines.join('\n')}\n</data>\n`,
    'update/firehose/prog_firehose_sdx55.mbn': buildTestProgrammer(),
  };
  for (const [file, bytes] of contents) files[`update/${file}`] = bytes;
  return makePackage(files, 'skip-pkg');
}

/** Independent expectation: each image zero-padded to whole pages, its block range 0xFF after it. */
function expectedRange(image: Uint8Array, blocks: number): Uint8Array {
  const out = new Uint8Array(blocks * BLOCK * PAGE).fill(0xff);
  out.fill(0, 0, Math.ceil(image.length / PAGE) * PAGE);
  out.set(image);
  return out;
}

it('re-flashing leaves out the images already on the modem, with their erases, and writes the changed one', async () => {
  const contents = new Map(layout().map((i, n) => [i.file, bytesOf(i.bytes, n + 1)]));
  const root = await nandPackage(contents);
  const modem = new SimulatedModem({ profile: 'rm500q', holdEdl: true });
  const first = await flash(await readPackage(root, { verifyMd5: false }), modem.connect(), {
    accept: ['allow-missing-md5'],
    skipUnchanged: true,
  });
  // A factory-fresh modem holds none of it: everything compared, nothing skipped.
  expect(first.skipUnchanged).toMatchObject({ unchanged: 0, bytesSkipped: 0 });
  expect(first.ops.filter((o) => o.skipped)).toEqual([]);

  const changed = bytesOf(layout()[1]?.bytes ?? 0, 99);
  await writeFile(join(root, 'update/b.ubi'), changed);
  contents.set('b.ubi', changed);
  await modem.waitForEnumeration();
  const second = await flash(await readPackage(root, { verifyMd5: false }), modem.connect(), {
    accept: ['allow-missing-md5'],
    skipUnchanged: true,
  });
  const run = modem.firehoseRuns.at(-1);
  const sent = (tag: string): number[] =>
    (run?.commands ?? [])
      .filter((c) => c.tag === tag)
      .map((c) => Number(c.attributes.find(([k]) => k === 'start_sector')?.[1]));
  // a (erase and program) and c are left out; b's erase and program and the erase-only d are sent.
  expect(sent('erase')).toEqual([44 * BLOCK, 60 * BLOCK]);
  expect(sent('program')).toEqual([44 * BLOCK]);
  expect(second.ops.filter((o) => o.skipped).map((o) => `${o.kind} ${o.startSector}`)).toEqual([
    `erase ${40 * BLOCK}`,
    `program ${40 * BLOCK}`,
    `program ${50 * BLOCK}`,
  ]);
  const [a, , c] = layout();
  expect(second.skipUnchanged).toEqual({
    compared: 3,
    unchanged: 2,
    bytesSkipped: (a?.bytes ?? 0) + (c?.bytes ?? 0),
  });
  expect(second.state).toBe('flashed');
  for (const i of layout())
    expect(sha(modem.storage.export(0, i.start, i.blocks * BLOCK))).toBe(
      sha(expectedRange(contents.get(i.file) ?? new Uint8Array(0), i.blocks)),
    );
  expect(modem.storage.memory(0).isErased(60 * BLOCK * PAGE, 2 * BLOCK * PAGE)).toBe(true);
});

it('an answer holding two digests is trusted for neither: the range is written and read back', async () => {
  const contents = new Map(layout().map((i, n) => [i.file, bytesOf(i.bytes, n + 1)]));
  const root = await nandPackage(contents);
  const [a] = layout();
  // The decoy is what the host expects for a's range, computed here from the image alone; the
  // fresh modem holds something else there, so trusting the decoy would leave a unwritten.
  const expectedA = expectedRange(contents.get(a!.file)!, a!.blocks);
  const modem = new SimulatedModem({
    profile: 'rm500q',
    holdEdl: true,
    faults: { digestDecoy: sha(expectedA) },
  });
  const report = await flash(await readPackage(root, { verifyMd5: false }), modem.connect(), {
    accept: ['allow-missing-md5'],
    skipUnchanged: true,
  });
  expect(report.skipUnchanged).toMatchObject({ unchanged: 0, bytesSkipped: 0 });
  expect(report.skipUnchanged?.note).toMatch(/more than one digest: those were written/);
  for (const op of report.ops.filter((o) => o.kind === 'program')) {
    expect(op.verified).toBe('read-back');
    expect(op.verifyNote).toMatch(/more than one digest/);
  }
  for (const i of layout())
    expect(sha(modem.storage.export(0, i.start, i.blocks * BLOCK))).toBe(
      sha(expectedRange(contents.get(i.file)!, i.blocks)),
    );
});
