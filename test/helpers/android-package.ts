/**
 * Android packages for tests: real rawprogram/patch (and GPT) files with generated images,
 * and the expanded content each image name must land as.
 */
import { buildTestProgrammer } from '../../src/sim/index.js';
import { encodeSparse } from '../../src/sparse/index.js';
import { bytesOf, makePackage, md5Txt } from './package-dir.js';
import { lines } from './reference.js';

/** Content for a sparse image: random blocks, fill blocks and zero runs (encoded as DONT_CARE). */
function sparseContent(size: number, seed: number): Uint8Array {
  const out = bytesOf(size, seed);
  for (let b = 0; b < size / 4096; b++) {
    if (b % 5 === 1) out.fill(0, b * 4096, (b + 1) * 4096);
    if (b % 5 === 3) out.fill(0x5a, b * 4096, (b + 1) * 4096);
  }
  return out;
}

/**
 * An Android package from real rawprogram/patch files, real GPT files where given, and
 * generated images; returns the expanded content each image name must land as.
 */
export async function androidPackage(
  xml: Record<string, string>,
  real: Record<string, Uint8Array>,
  sectorSize: number,
): Promise<{ root: string; content: Map<string, Uint8Array> }> {
  const capacity = new Map<string, { bytes: number; sparse: boolean }>();
  for (const [name, text] of Object.entries(xml)) {
    if (!name.startsWith('rawprogram')) continue;
    for (const p of lines(text, 'program')) {
      const file = p['filename'] ?? '';
      if (!file || real[file]) continue;
      const sectors = Number(p['num_partition_sectors']);
      const bytes = sectors === 0 ? 256 * 1024 : sectors * sectorSize;
      const prev = capacity.get(file);
      capacity.set(file, {
        bytes: Math.min(prev?.bytes ?? Infinity, bytes),
        sparse: p['sparse'] === 'true',
      });
    }
  }
  const files: Record<string, string | Uint8Array> = {
    ...xml,
    ...real,
    'prog_firehose_ddr.elf': buildTestProgrammer(),
  };
  const content = new Map<string, Uint8Array>(Object.entries(real));
  let seed = 1;
  for (const [file, { bytes, sparse }] of capacity) {
    if (sparse) {
      const data = sparseContent(Math.min(Math.floor(bytes / 4096), 24) * 4096, seed++);
      content.set(file, data);
      files[file] = encodeSparse(data, { blockSize: 4096, zeroAsDontCare: true });
    } else {
      const data = bytesOf(Math.min(bytes - 100, 40_000), seed++);
      content.set(file, data);
      files[file] = data;
    }
  }
  return { root: await makePackage({ ...files, 'md5.txt': md5Txt(files) }), content };
}
