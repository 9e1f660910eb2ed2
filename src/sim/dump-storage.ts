/**
 * Writes a simulated device's storage to image files, one per LUN (`lun0.img` …). Only
 * the written pages are copied; eMMC/UFS holes stay file holes (they read as zero, as the
 * device does), NAND files are filled with the erased value 0xFF first.
 *
 * @module
 */
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import type { Storage } from './storage/storage.js';

/** Dumps every LUN of `storage` into `dir`; returns the files written. */
export async function dumpStorage(storage: Storage, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (let lun = 0; lun < storage.geometry.lunSectors.length; lun++) {
    const memory = storage.memory(lun);
    const path = join(dir, `lun${lun}.img`);
    const handle = await open(path, 'w');
    try {
      await handle.truncate(memory.size);
      if (memory.erasedValue !== 0) {
        const fill = Buffer.alloc(1 << 20, memory.erasedValue);
        for (let at = 0; at < memory.size; at += fill.length)
          await handle.write(fill, 0, Math.min(fill.length, memory.size - at), at);
      }
      for (const [offset, page] of memory.pagesInUse())
        await handle.write(page, 0, page.length, offset);
    } finally {
      await handle.close();
    }
    files.push(path);
  }
  return files;
}

/**
 * Loads LUN images written by {@link dumpStorage} back into `storage` (a modem that keeps
 * its flash across simulator restarts). Chunks that hold only the erased value stay holes.
 */
export async function loadStorage(storage: Storage, dir: string): Promise<number> {
  let loaded = 0;
  for (let lun = 0; lun < storage.geometry.lunSectors.length; lun++) {
    const memory = storage.memory(lun);
    const handle = await open(join(dir, `lun${lun}.img`), 'r');
    try {
      const size = Math.min((await handle.stat()).size, memory.size);
      const chunk = Buffer.alloc(1 << 20);
      for (let at = 0; at < size; at += chunk.length) {
        const { bytesRead } = await handle.read(chunk, 0, Math.min(chunk.length, size - at), at);
        const piece = chunk.subarray(0, bytesRead);
        if (piece.every((b) => b === memory.erasedValue)) continue;
        memory.write(at, Uint8Array.from(piece));
        loaded += bytesRead;
      }
    } finally {
      await handle.close();
    }
  }
  return loaded;
}
