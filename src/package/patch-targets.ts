/**
 * The files a package's patch lists patch on the host (`gpt_main0.bin`, the NAND MIBIB):
 * small tables, read whole once so the plan can patch them without touching the disk.
 *
 * @module
 */
import { QfhError } from '../errors.js';
import { expressionNeeds } from './expression.js';
import { finding, type Finding } from './findings.js';
import type { FileResolver } from './package-files.js';
import { readWhole, type PackageSource } from './package-source.js';
import type { PatchEntry } from './program-list.js';

/** Files patched on the host are tables of a few KiB; anything larger is not one. */
const PATCH_TARGET_MAX = 16 << 20;

/** Reads every file a patch list targets; problems become findings. */
export async function readPatchTargets(
  source: PackageSource,
  c: {
    resolver: FileResolver;
    patches: readonly { path: string; entries: readonly PatchEntry[] }[];
    findings: Finding[];
  },
): Promise<Map<string, Uint8Array>> {
  const targets = new Map<string, Uint8Array>();
  for (const { path: manifest, entries } of c.patches) {
    for (const name of new Set(entries.map((p) => p.filename).filter((n) => n !== 'DISK'))) {
      const file = await c.resolver.resolve(manifest, name);
      if (file.path !== undefined && !file.exists)
        c.findings.push(
          finding(
            'warn',
            'PKG_PATCH_TARGET_MISSING',
            `${manifest} patches "${name}", which is not in the package`,
            {
              file: manifest,
            },
          ),
        );
      if (file.exists && file.path !== undefined && !targets.has(file.path))
        await readTarget(source, file.path, { targets, findings: c.findings });
    }
    for (const p of entries) {
      if (expressionNeeds(p.value.expr).ambiguous || expressionNeeds(p.startSector.expr).ambiguous)
        c.findings.push(
          finding(
            'warn',
            'PKG_AMBIGUOUS_NUMBER',
            `patch ${p.index + 1} uses a bare number in "${p.startSector.text}"/"${p.value.text}"; qfh reads it as decimal (ptool marks decimals with a trailing dot)`,
            {
              file: manifest,
            },
          ),
        );
    }
  }
  return targets;
}

async function readTarget(
  source: PackageSource,
  path: string,
  into: { targets: Map<string, Uint8Array>; findings: Finding[] },
): Promise<void> {
  try {
    into.targets.set(path, await readWhole(source, path, PATCH_TARGET_MAX));
  } catch (e) {
    if (!(e instanceof QfhError)) throw e;
    into.findings.push(
      finding(
        'refuse',
        'PKG_PATCH_TARGET_UNREADABLE',
        `${path} is patched on the host but ${e.message}`,
        {
          file: path,
        },
      ),
    );
  }
}
