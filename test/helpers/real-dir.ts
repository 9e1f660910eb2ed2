/** Where the real third-party files are (../shared/captures/real/ beside the clone). */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** Absolute path of ../shared/captures/real/ beside the project root. */
export const REAL_DIR = resolve(here, '../../../shared/captures/real');
/** Whether the real captures are here. */
export const realAvailable = existsSync(REAL_DIR);
