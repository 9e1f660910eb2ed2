/**
 * Every test run gets its own temp folder, removed when the run ends: tests that leave a
 * file behind (a failed flash's debug bundle, a child process killed mid-write) leave
 * nothing on the machine, and two runs side by side never see each other's files.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'qfh-vitest-'));
  process.env['TMPDIR'] = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
