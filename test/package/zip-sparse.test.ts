import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { flash } from '../../src/flash/node-flash.js';
import { readPackage } from '../../src/package/open-package.js';
import { SMALL_ENTRY } from '../../src/package/zip-source.js';
import { buildTestProgrammer, SimulatedModem } from '../../src/sim/index.js';
import { encodeSparse } from '../../src/sparse/index.js';
import { bytesOf, makePackage, md5Txt } from '../helpers/package-dir.js';
import { zipFolder } from '../helpers/zip.js';

const BLOCK = 4096;
let work: string;
let folder: string;
let content: Uint8Array;

/** Random runs, zero runs (DONT_CARE) and fill runs, large enough to be read by cursor. */
function imageContent(blocks: number): Uint8Array {
  const out = bytesOf(blocks * BLOCK, 7);
  for (let b = 0; b < blocks; b++) {
    if (b % 7 === 2) out.fill(0, b * BLOCK, (b + 1) * BLOCK);
    if (b % 7 === 5) out.fill(0xa5, b * BLOCK, (b + 1) * BLOCK);
  }
  return out;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'qfh-zip-sparse-'));
  content = imageContent(3000);
  const sparse = encodeSparse(content, { blockSize: BLOCK, zeroAsDontCare: true });
  const sectors = content.length / BLOCK;
  const files: Record<string, string | Uint8Array> = {
    'rawprogram0.xml': `<?xml version="1.0" ?>\n<data>\n<program SECTOR_SIZE_IN_BYTES="4096" filename="system.img" label="system" num_partition_sectors="${sectors}" physical_partition_number="0" sparse="true" start_sector="64"/>\n</data>\n`,
    'prog_firehose_ddr.elf': buildTestProgrammer(),
    'system.img': sparse,
  };
  files['md5.txt'] = md5Txt(files);
  folder = await makePackage(files, 'SDX55_SPARSE');
  expect(sparse.length).toBeGreaterThan(SMALL_ENTRY); // read through a cursor, not whole
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

for (const compress of [true, false])
  it(`indexes and flashes a sparse image straight from a ${compress ? 'deflated' : 'stored'} zip`, async () => {
    const zip = join(work, `sparse-${compress}.zip`);
    await zipFolder(folder, zip, { prefix: 'SDX55_SPARSE/', compress });
    const pkg = await readPackage(zip);
    const image = pkg.images[0]?.file;
    expect(image?.sparse).toBe(true);
    expect(image?.expandedSize).toBe(content.length);
    expect(image?.sparseIndex?.entries.filter((e) => e.kind === 'raw').length).toBeGreaterThan(100);
    const modem = new SimulatedModem({ profile: 'sm8150-ufs' });
    const report = await flash(pkg, modem.connect());
    expect(report.state).toBe('flashed');
    const held = modem.storage.export(0, 64, content.length / BLOCK);
    expect(Buffer.from(held).equals(Buffer.from(content))).toBe(true);
  });
