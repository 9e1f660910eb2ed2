/**
 * A zip rewritten while qfh reads it: the next read fails, naming the file, instead of
 * handing on a mix of old and new bytes (the download still running, or finished over the
 * file qfh opened).
 */
import { mkdtemp, readFile, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { zipFileBytes } from '../../src/package/zip-file.js';
import { bytesOf, makePackage } from '../helpers/package-dir.js';
import { zipFolder } from '../helpers/zip.js';

it('reads by position, and refuses the read after the file was rewritten', async () => {
  const root = await makePackage({ 'img.bin': bytesOf(1 << 20, 3) });
  const zip = join(await mkdtemp(join(tmpdir(), 'qfh-zipfile-')), 'fw.zip');
  await zipFolder(root, zip);
  const whole = new Uint8Array(await readFile(zip));
  const bytes = await zipFileBytes(zip);
  expect(bytes.size).toBe(whole.length);
  expect(await bytes.read(100, 4096)).toEqual(whole.subarray(100, 4196));
  // Rewritten in place: same inode and size, a new modification time.
  await utimes(zip, new Date(), new Date(Date.now() + 60_000));
  await expect(bytes.read(0, 4096)).rejects.toMatchObject({
    code: 'QFH_ZIP_TRUNCATED',
    message: expect.stringContaining('changed while qfh was reading it'),
  });
});
