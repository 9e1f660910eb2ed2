/**
 * `qfh inspect DIR`: what qfh understands of a firmware folder, with its findings.
 *
 * @module
 */
import { overrideText } from '../../accept-flags.js';
import { readPackage } from '../../package/index.js';
import type { InspectReport } from './inspect-file.js';

const KIB = 1024;

/** Inspects a firmware folder. */
export async function inspectPackage(input: string): Promise<InspectReport> {
  const pkg = await readPackage(input);
  const count = (status: string): number =>
    pkg.md5?.checks.filter((c) => c.status === status).length ?? 0;
  const text: string[] = [`Firmware package ${pkg.name} (${pkg.root})`];
  text.push(`  programmer: ${pkg.programmer ?? 'none found'}`);
  if (pkg.geometry)
    text.push(
      `  NAND geometry: ${pkg.geometry.pageSize / KIB} KiB pages, ${pkg.geometry.blockSize / KIB} KiB blocks`,
    );
  if (pkg.contents)
    text.push(
      `  ${pkg.contents.path}: ${pkg.contents.manifest.productName ?? '?'}, chip ${pkg.contents.manifest.chipId ?? '?'}`,
    );
  for (const { path, list } of pkg.rawprograms) {
    const tags = new Map<string, number>();
    for (const e of list.entries) tags.set(e.tag, (tags.get(e.tag) ?? 0) + 1);
    text.push(`  ${path}: ${[...tags].map(([t, n]) => `${n} ${t}`).join(', ')}`);
  }
  for (const { path, entries } of pkg.patches) {
    const disk = entries.filter((p) => p.filename === 'DISK').length;
    text.push(
      `  ${path}: ${entries.length} patches (${disk} on DISK, ${entries.length - disk} on files)`,
    );
  }
  text.push(
    pkg.md5
      ? `  ${pkg.md5.path}: ${count('ok')} ok, ${count('mismatch')} mismatch, ${count('absent')} listed but absent`
      : '  no md5 manifest',
  );
  if (pkg.images.length) {
    text.push('  images:');
    for (const { entry, file } of pkg.images) {
      const size = file.exists
        ? `${file.size} bytes${file.sparse ? ` (sparse, expands to ${file.expandedSize ?? '?'})` : ''}`
        : 'MISSING';
      text.push(
        `    ${(entry.label ?? file.path ?? entry.filename ?? '').padEnd(20)} LUN ${entry.physicalPartition} sector ${entry.startSector?.text ?? '-'} +${entry.numSectors?.text ?? '-'}  ${file.path ?? entry.filename}  ${size}`,
      );
    }
  }
  if (pkg.ignored.length) text.push(`  ignored: ${pkg.ignored.join(', ')}`);
  text.push(pkg.findings.length ? '  findings:' : '  findings: none');
  for (const f of pkg.findings)
    text.push(
      `    ${f.level.toUpperCase().padEnd(6)} ${f.code}: ${f.message}${f.flag ? ` (override: ${overrideText(f.flag)})` : ''}`,
    );
  const data = {
    ...pkg,
    rawprograms: pkg.rawprograms.map(({ path, list }) => ({
      path,
      comments: list.comments,
      entries: list.entries.map((e) => ({
        ...e,
        startSector: e.startSector?.text,
        numSectors: e.numSectors?.text,
      })),
    })),
    patches: pkg.patches.map(({ path, entries }) => ({
      path,
      entries: entries.map((p) => ({ ...p, startSector: p.startSector.text, value: p.value.text })),
    })),
    images: pkg.images.map(({ rawprogram, entry, file }) => ({
      rawprogram,
      index: entry.index,
      label: entry.label,
      physicalPartition: entry.physicalPartition,
      startSector: entry.startSector?.text,
      numSectors: entry.numSectors?.text,
      sparse: entry.sparse,
      file,
    })),
  };
  return { kind: 'package', input, data, text };
}
