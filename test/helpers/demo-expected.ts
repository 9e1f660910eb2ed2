/**
 * The demo NAND package's images as they must lie on a modem, computed from its rawprogram
 * and files alone (not from what qfh sent): each program line's file, zero-padded to whole
 * 2048-byte pages, at its start page.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SimulatedModem } from '../../src/sim/index.js';
import { lines, padded } from './reference.js';

/** The demo package's rawprogram, package-relative. */
export const DEMO_RAWPROGRAM = 'update/firehose/rawprogram_nand_p2K_b128K_update.xml';

/** Files of the demo package at `root` that are not on `modem` byte for byte (empty: all are). */
export async function demoMismatches(modem: SimulatedModem, root: string): Promise<string[]> {
  const rp = await readFile(join(root, DEMO_RAWPROGRAM), 'utf8');
  const wrong: string[] = [];
  for (const p of lines(rp, 'program')) {
    const name = (p['filename'] ?? '')
      .replace(/^\.\.\\/, 'update/')
      .replace(/^([^\\/]+)$/, 'update/firehose/$1');
    const data = padded(new Uint8Array(await readFile(join(root, name))), 2048);
    const stored = modem.storage.export(0, Number(p['start_sector']), data.length / 2048);
    if (!Buffer.from(stored).equals(Buffer.from(data))) wrong.push(`${name}@${p['start_sector']}`);
  }
  return wrong;
}
