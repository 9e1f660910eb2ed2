/**
 * The before/after record of an update from normal mode, saved as JSON beside the user's
 * work, and the timestamp qfh puts in the names of the files it writes.
 *
 * @module
 */
import { mkdir, stat } from 'node:fs/promises';
import { writePrivateFile } from '../private-file.js';
import { dirname, join } from 'node:path';
import type { OutputPath } from './output-paths.js';

/** Now, as a file-name-safe timestamp (`2026-11-30T04-05-06-789Z`). */
export const fileStamp = (): string => new Date().toISOString().replace(/[:.]/g, '-');

/**
 * Where the record of the modem `device` goes. With several modems `--record` is a folder
 * (default: here) holding one record per modem. With one, it is the file itself, unless it
 * names an existing folder (what a fleet's retry line repeats, even for one modem); with
 * no `--record`, a new file here.
 */
export async function recordPath(
  record: string | undefined,
  c: { device: string; several: boolean },
): Promise<string> {
  const perModem = `qfh-update-${fileStamp()}-${c.device.replace(/[^\w.-]+/g, '_')}.json`;
  if (c.several) return join(record ?? '.', perModem);
  if (record === undefined) return `qfh-update-${fileStamp()}.json`;
  const folder = await stat(record).then(
    (s) => s.isDirectory(),
    () => false,
  );
  return folder ? join(record, perModem) : record;
}

/** `--record` as a path to check before anything is opened (a file, or a folder of records). */
export async function recordOutput(
  record: string | undefined,
  c: { several: boolean },
): Promise<OutputPath | undefined> {
  if (record === undefined) return undefined;
  const folder = await stat(record).then(
    (s) => s.isDirectory(),
    () => false,
  );
  return { path: record, given: '--record', kind: c.several || folder ? 'folder' : 'file' };
}

/** Writes the record; resolves to whether it could be saved (the flash is done either way). */
export function saveUpdateRecord(path: string, record: object): Promise<boolean> {
  // With several modems --record is a folder, checked writable but perhaps not there yet.
  return mkdir(dirname(path), { recursive: true })
    .then(() => writePrivateFile(path, `${JSON.stringify(record, null, 2)}\n`))
    .then(
      () => true,
      () => false,
    );
}
