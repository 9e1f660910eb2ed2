/**
 * The one-file bundle travels alone to routers: it must carry the notices of what it embeds,
 * and a checksum the router's own busybox can check. The list is checked against the
 * package's runtime dependencies (an independent source), the checksum with `sha256sum -c`.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const BUNDLE = join(process.cwd(), 'dist/bundle');

it('names every runtime dependency it embeds, with its version and licence text', async () => {
  const text = await readFile(join(BUNDLE, 'qfh.mjs'), 'utf8');
  const own = JSON.parse(await readFile('package.json', 'utf8')) as {
    dependencies: Record<string, string>;
  };
  const manifest = JSON.parse(await readFile(join(BUNDLE, 'qfh.mjs.manifest.json'), 'utf8')) as {
    embeds: { name: string; version: string; license: string }[];
  };
  expect(text.startsWith('#!/usr/bin/env node\n')).toBe(true);
  const notice = text.slice(text.lastIndexOf('/*!\n * qfh '));
  expect(notice).toMatch(/one-file bundle\. It embeds:/);
  for (const [name, version] of Object.entries(own.dependencies)) {
    expect(manifest.embeds).toContainEqual(expect.objectContaining({ name, version }));
    expect(notice).toContain(`${name} ${version} (`);
  }
  // Licence texts, not only names: MIT's and BSD's own words are there.
  expect(notice).toMatch(/Permission is hereby granted, free of charge/);
  expect(notice).toMatch(/Redistribution and use in source and binary forms/);
  expect(manifest.embeds.some((p) => p.name === 'usb')).toBe(false); // never embedded
});

it('ships a checksum busybox sha256sum -c accepts, equal to the manifest’s', async () => {
  const bytes = await readFile(join(BUNDLE, 'qfh.mjs'));
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const manifest = JSON.parse(await readFile(join(BUNDLE, 'qfh.mjs.manifest.json'), 'utf8')) as {
    sha256: string;
    bytes: number;
  };
  expect(manifest).toMatchObject({ sha256, bytes: bytes.length });
  expect(await readFile(join(BUNDLE, 'qfh.mjs.sha256'), 'utf8')).toBe(`${sha256}  qfh.mjs\n`);
  const tool = await promisify(execFile)('sh', ['-c', 'command -v busybox || command -v sha256sum'])
    .then((r) => r.stdout.trim())
    .catch(() => 'sha256sum');
  const args = tool.endsWith('busybox')
    ? ['sha256sum', '-c', 'qfh.mjs.sha256']
    : ['-c', 'qfh.mjs.sha256'];
  const { stdout } = await promisify(execFile)(tool, args, { cwd: BUNDLE });
  expect(stdout.trim()).toBe('qfh.mjs: OK');
});
