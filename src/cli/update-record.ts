/**
 * The before/after record of an update from normal mode, saved as JSON beside the user's
 * work, and the timestamp qfh puts in the names of the files it writes.
 *
 * @module
 */
import { writeFile } from 'node:fs/promises';

/** Now, as a file-name-safe timestamp (`2026-11-30T04-05-06-789Z`). */
export const fileStamp = (): string => new Date().toISOString().replace(/[:.]/g, '-');

/** Writes the record; resolves to whether it could be saved (the flash is done either way). */
export function saveUpdateRecord(path: string, record: object): Promise<boolean> {
  return writeFile(path, `${JSON.stringify(record, null, 2)}\n`).then(
    () => true,
    () => false,
  );
}
