/**
 * Every input of a bench run, made once in a temp folder: the packages the figures flash
 * (sizes smaller with --quick) and the files the limits read.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import yazl from 'yazl';
import { androidPackage, nandPackage, rawImage, RM500Q_IMAGES, sparseImage } from './fixtures.js';

const MiB = 1 << 20;

/** Paths of the inputs. */
export interface Inputs {
  /** 1 MiB UFS payloads: a big raw image, and a 16 MiB one (the fixed cost). */
  readonly ufs: { readonly big: string; readonly small: string; readonly image: string };
  /** 8 KiB NAND payloads (RM500Q). */
  readonly nand: { readonly big: string; readonly small: string };
  /** A 5 MB package with its md5.txt, flashed from the command line. */
  readonly startup: string;
  /** 1 GiB raw (a file hole), 4 GiB sparse, a deflated zip. */
  readonly memory: { readonly raw: string; readonly sparse: string; readonly zip: string };
  readonly rm500q: string;
  readonly many: string;
  readonly planning: { readonly root: string; readonly image: string };
  /** Image bytes of the big UFS and NAND packages. */
  readonly sizes: { readonly ufs: number; readonly nand: number };
}

async function md5Txt(root: string, files: readonly string[]): Promise<void> {
  const lines = ['VERSION:1.0', 'FILE:START'];
  for (const f of files) {
    const hash = createHash('md5');
    for await (const chunk of createReadStream(join(root, f))) hash.update(chunk as Buffer);
    lines.push(`FILE:\\${f.replace(/\//g, '\\')}:${hash.digest('hex')}`);
  }
  await writeFile(join(root, 'md5.txt'), [...lines, 'FILE:END'].join('\r\n'));
}

/** A UFS package of one raw image of `bytes` (1 MiB payloads). */
export async function ufsPackage(root: string, bytes: number): Promise<string> {
  await androidPackage(root, 4096, [{ file: 'big.img', bytes }]);
  await rawImage(join(root, 'big.img'), bytes);
  return root;
}

async function nandRaw(root: string, bytes: number): Promise<string> {
  await nandPackage(root, [{ file: 'big.ubi', bytes }]);
  await rawImage(join(root, 'update/big.ubi'), bytes);
  return root;
}

/** A 1 GiB image (256 MiB with --quick) deflated in a Quectel-shaped zip (nested folders). */
async function zipPackage(work: string, bytes: number): Promise<string> {
  const root = await ufsPackage(join(work, 'mem-zip'), bytes);
  const zip = new yazl.ZipFile();
  for (const f of ['rawprogram0.xml', 'prog_firehose_ddr.elf', 'big.img'])
    zip.addFile(join(root, f), `FW/FW/${f}`, { compress: true, compressionLevel: 1 });
  zip.end();
  const path = join(work, 'FW_big.zip');
  await new Promise<void>((resolve, reject) => {
    zip.outputStream.pipe(createWriteStream(path)).on('close', resolve).on('error', reject);
  });
  await rm(root, { recursive: true, force: true });
  return path;
}

async function planningPackage(work: string, quick: boolean): Promise<Inputs['planning']> {
  const root = join(work, 'plan-pkg');
  const entries = quick ? 2000 : 8000;
  await androidPackage(root, 4096, [
    { file: 'system.img', bytes: 8 * 1024 * MiB, sparse: true },
    ...Array.from({ length: entries }, (_, i) => ({ file: `p${i % 50}.bin`, bytes: 4096 })),
  ]);
  const image = join(root, 'system.img');
  await sparseImage(image, { raw: quick ? 32 * MiB : 128 * MiB, fill: 0, total: 8 * 1024 * MiB });
  for (let i = 0; i < 50; i++) await writeFile(join(root, `p${i}.bin`), Buffer.alloc(4096, i));
  await md5Txt(root, ['system.img', ...Array.from({ length: 50 }, (_, i) => `p${i}.bin`)]);
  return { root, image };
}

/** Makes every input under `work`. */
export async function makeInputs(work: string, quick: boolean): Promise<Inputs> {
  const sizes = { ufs: (quick ? 256 : 1024) * MiB, nand: (quick ? 192 : 448) * MiB };
  const ufsBig = await ufsPackage(join(work, 'ufs-big'), sizes.ufs);
  // 16 MiB: large enough to start the hashing thread, so the marginal figures take that out too.
  const ufsSmall = await ufsPackage(join(work, 'ufs-small'), 16 * MiB);
  const startup = await ufsPackage(join(work, 'startup'), 5 * MiB);
  await md5Txt(startup, ['big.img', 'prog_firehose_ddr.elf']);
  const raw = join(work, 'mem-raw');
  await androidPackage(raw, 4096, [{ file: 'big.img', bytes: 1024 * MiB }]);
  await writeFile(join(raw, 'big.img'), '');
  await truncate(join(raw, 'big.img'), 1024 * MiB); // a file hole: the pipeline is measured, not the disk
  const sparse = join(work, 'mem-sparse');
  await androidPackage(sparse, 4096, [{ file: 'system.img', bytes: 4 * 1024 * MiB, sparse: true }]);
  const fill = (quick ? 64 : 256) * MiB;
  await sparseImage(join(sparse, 'system.img'), { raw: 32 * MiB, fill, total: 4 * 1024 * MiB });
  const rm500q = join(work, 'rm500q');
  const scale = quick ? 0.08 : 1;
  const images = RM500Q_IMAGES.map((i) => ({
    file: i.file,
    bytes: Math.round((i.bytes * scale) / 4096) * 4096,
  }));
  await nandPackage(rm500q, images);
  for (const i of images) await rawImage(join(rm500q, 'update', i.file), i.bytes);
  return {
    ufs: { big: ufsBig, small: ufsSmall, image: join(ufsBig, 'big.img') },
    nand: {
      big: await nandRaw(join(work, 'nand-big'), sizes.nand),
      small: await nandRaw(join(work, 'nand-small'), 16 * MiB),
    },
    startup,
    memory: { raw, sparse, zip: await zipPackage(work, (quick ? 256 : 1024) * MiB) },
    rm500q,
    many: await nandRaw(join(work, 'many'), (quick ? 2 : 12) * MiB),
    planning: await planningPackage(work, quick),
    sizes,
  };
}
