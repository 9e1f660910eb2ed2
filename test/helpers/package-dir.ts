/** Builds throw-away firmware folders for tests, in the OS temp directory. */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';

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

/** A minimal 32-bit little-endian ELF header, enough for "is it an ELF" checks. */
export function elfStub(size = 256): Uint8Array {
  const out = bytesOf(size, 7);
  out.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1, 0]);
  return out;
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
