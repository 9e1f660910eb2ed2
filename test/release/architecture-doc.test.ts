/**
 * docs/ARCHITECTURE.md states the layer table and the lint limits; layers.config.js is
 * what lint enforces. The two must say the same, row for row.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
// A plain JS module (eslint.config.js imports it), loaded by URL so it needs no declarations.
const { LAYERS, LIMITS, SIM_MAY_USE, CORE, CORE_MAY_USE, NODE_ADAPTERS } = (await import(
  pathToFileURL(join(root, 'layers.config.js')).href
)) as {
  CORE: string[];
  NODE_ADAPTERS: string[];
  CORE_MAY_USE: string[];
  LAYERS: Record<string, string[]>;
  LIMITS: { fileLines: number; functionLines: number; params: number };
  SIM_MAY_USE: string[];
};
const doc = readFileSync(join(root, 'docs/ARCHITECTURE.md'), 'utf8');

function tableAfter(marker: string): string[][] {
  const lines = doc.slice(doc.indexOf(marker)).split('\n');
  const start = lines.findIndex((l) => l.startsWith('| layer'));
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim()),
    );
  }
  return rows;
}

it('the layer table in the document is the one lint enforces', () => {
  const rows = tableAfter('<!-- layers:');
  const documented = Object.fromEntries(
    rows.map(([layer, , may]) => [
      layer,
      (may ?? '')
        .replace(/\(.*?\)/g, '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    ]),
  );
  expect(documented).toEqual(LAYERS);
});

it('every folder of src/ is a layer of the table', () => {
  const folders = readdirSync(join(root, 'src'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  expect(folders).toEqual(
    Object.keys(LAYERS)
      .filter((l) => l !== 'bottom')
      .sort(),
  );
});

it('the document lists the files the simulator may use, and the limits lint sets', () => {
  for (const file of SIM_MAY_USE) expect(doc).toContain(`\`${file}\``);
  const limits = doc.slice(doc.indexOf('<!-- limits:'));
  expect(limits).toContain(`at most **${LIMITS.fileLines}** lines in a file`);
  expect(limits).toContain(`at most **${LIMITS.functionLines}** lines in a function`);
  expect(limits).toContain(`at most **${LIMITS.params}** parameters`);
});

it('the document names the core layers and every Node adapter inside them', () => {
  const seam = doc.slice(doc.indexOf('<!-- core:'), doc.indexOf('## Limits'));
  const named = /\*\*The core\*\* is (.*?)\. It runs/s.exec(seam)?.[1] ?? '';
  expect([...named.matchAll(/`(\w+)`/g)].map((m) => m[1])).toEqual(CORE);
  for (const file of [...NODE_ADAPTERS, ...CORE_MAY_USE]) expect(seam).toContain(`\`${file}\``);
});
