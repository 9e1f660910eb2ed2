/** Builds throw-away firmware folders for tests, in the OS temp directory. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';
import { buildTestProgrammer } from '../../src/sim/programmer-image.js';

const made: string[] = [];
afterAll(async () => {
  await Promise.all(made.map((d) => rm(d, { recursive: true, force: true })));
});

/** Writes `files` (package-relative path → content) under a new folder named `name`; returns its path. */
export async function makePackage(
  files: Record<string, string | Uint8Array>,
  name = 'pkg',
): Promise<string> {
  const parent = await mkdtemp(join(tmpdir(), 'qfh-test-'));
  made.push(parent);
  const root = join(parent, name);
  await mkdir(root, { recursive: true });
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  return root;
}

/** Deterministic bytes of a given size (a 32-bit LCG), so image digests are stable. */
export function bytesOf(size: number, seed = 1): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed >>> 0;
  for (let i = 0; i < size; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** A small programmer-shaped ELF (program headers, hash segment, one load segment). */
export function elfStub(size = 256): Uint8Array {
  return buildTestProgrammer({ segmentSizes: [size], signatureBytes: 64 });
}

/** Writes md5.txt at `root` for the package files named, hashing them as they are on disk. */
export async function writeMd5Txt(root: string, paths: readonly string[]): Promise<void> {
  const lines = ['VERSION:1.0', 'FILE:START'];
  for (const path of paths) {
    const hash = createHash('md5');
    for await (const piece of createReadStream(join(root, path))) hash.update(piece as Buffer);
    lines.push(`FILE:\\${path.replace(/\//g, '\\')}:${hash.digest('hex').toUpperCase()}`);
  }
  lines.push('FILE:END', '');
  await writeFile(join(root, 'md5.txt'), lines.join('\r\n'));
}

/** A QFirehose-format md5.txt (CRLF, backslash paths, upper-case digests) for `files`. */
export function md5Txt(files: Record<string, string | Uint8Array>): string {
  const lines = ['VERSION:1.0', 'FILE:START'];
  for (const [path, content] of Object.entries(files)) {
    lines.push(
      `FILE:\\${path.replace(/\//g, '\\')}:${createHash('md5').update(content).digest('hex').toUpperCase()}`,
    );
  }
  lines.push('FILE:END', '');
  return lines.join('\r\n');
}
