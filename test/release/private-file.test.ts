/**
 * Files holding device data are created private, and never written into what someone else
 * put at the path first: a link, another account's file, a second name of a file, a FIFO.
 * (Run as root here, which can hand a file to another uid as a local attacker's would be.)
 */
import { execFileSync } from 'node:child_process';
import { chown, link, mkdtemp, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { openPrivateFileSync, writePrivateFile } from '../../src/private-file.js';

const root = process.getuid?.() === 0;

it('a new file is created 0600', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'qfh-private-'));
  await writePrivateFile(join(dir, 'a'), 'x');
  expect((await stat(join(dir, 'a'))).mode & 0o777).toBe(0o600);
});

it('an old file of this user, 0644, is emptied, written and made 0600', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'qfh-private-'));
  await writeFile(join(dir, 'a'), 'old and longer', { mode: 0o644 });
  await writePrivateFile(join(dir, 'a'), 'new');
  expect(await readFile(join(dir, 'a'), 'utf8')).toBe('new');
  expect((await stat(join(dir, 'a'))).mode & 0o777).toBe(0o600);
});

const planted: [string, (dir: string, path: string) => Promise<void>, boolean][] = [
  ['a symbolic link', async (d, p) => symlink(join(d, 'target'), p), true],
  ['a second name (hard link) of a file', async (d, p) => link(join(d, 'target'), p), true],
  [
    "another account's file",
    async (_d, p) => (await writeFile(p, 'theirs'), chown(p, 4242, 4242)),
    root,
  ],
  ['a FIFO (would hang an open)', async (_d, p) => void execFileSync('mkfifo', [p]), true],
];
it.each(planted)('%s at the path: refused, nothing written', async (_n, plant, runs) => {
  if (!runs) return;
  const dir = await mkdtemp(join(tmpdir(), 'qfh-private-'));
  await writeFile(join(dir, 'target'), 'keep');
  const path = join(dir, 'out');
  await plant(dir, path);
  await expect(writePrivateFile(path, 'device data')).rejects.toMatchObject({
    code: 'QFH_OUTPUT_UNWRITABLE',
  });
  expect(() => openPrivateFileSync(path)).toThrow(
    /QFH_OUTPUT_UNWRITABLE|not a plain file|symbolic link/,
  );
  expect(await readFile(join(dir, 'target'), 'utf8')).toBe('keep');
});

it('this process’s own /dev/stdout is written as it is (a capture piped to Wireshark)', async () => {
  // The built module (npm test builds first), its stdout a shell pipe, as `| tshark` makes it.
  const module = join(process.cwd(), 'dist/private-file.js');
  const code = `import(${JSON.stringify(module)}).then((m) => m.writePrivateFile('/dev/stdout', 'piped'))`;
  const out = execFileSync('sh', ['-c', '"$0" -e "$1" | cat', process.execPath, code], {
    encoding: 'utf8',
  });
  expect(out).toBe('piped');
});
