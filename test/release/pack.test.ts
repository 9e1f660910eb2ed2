/**
 * What `npm pack` ships: the LICENSE, the events schema, source maps that carry their
 * sources (the package has no src/), and no declarations of the command line's internals.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');

describe('npm pack', () => {
  it('ships LICENSE and the schema, self-contained source maps, no CLI declarations', async () => {
    const { stdout } = await promisify(execFile)(
      'npm',
      ['pack', '--dry-run', '--json', '--ignore-scripts'],
      { cwd: root, maxBuffer: 16 << 20 },
    );
    const files = (JSON.parse(stdout) as { files: { path: string }[] }[])[0]?.files.map(
      (f) => f.path,
    );
    expect(files).toContain('LICENSE');
    expect(files).toContain('schemas/qfh-events-1.schema.json');
    expect(files?.some((f) => f.startsWith('src/'))).toBe(false);
    expect(files?.filter((f) => /^dist\/cli\/.*\.d\.ts$/.test(f))).toEqual([]);
    const maps = files?.filter((f) => f.endsWith('.map')) ?? [];
    expect(maps.length).toBeGreaterThan(50);
    for (const map of maps) {
      const parsed = JSON.parse(await readFile(join(root, map), 'utf8')) as {
        sources: string[];
        sourcesContent?: (string | null)[];
      };
      expect(parsed.sourcesContent?.length, map).toBe(parsed.sources.length);
      expect(
        parsed.sourcesContent?.every((c) => typeof c === 'string'),
        map,
      ).toBe(true);
    }
  }, 60_000);
});
