/**
 * The GUID partition tables a plan writes, checked once the modem has said how large each
 * disk is (the tables are patched for it on the host): a table whose header or entry array
 * does not match its CRC, that is made for another disk size, whose partitions leave the
 * usable area or overlap, or that puts a partition somewhere other than where the package's
 * own program lines write it, is refused. A programmer writes any of these without a word,
 * and the modem no longer boots, or boots onto partitions that mangle each other.
 *
 * @module
 */
import type { DeviceFacts } from '../device-facts.js';
import { QfhError } from '../errors.js';
import { finding, locateGptHeader, parseGpt, type Finding, type Gpt } from '../package/portable.js';
import type { PlanOp } from './types.js';

type Program = Extract<PlanOp, { kind: 'program' }>;

/** Every GPT finding of the plan's `ops` against the disk sizes in `facts`. */
export function gptFindings(ops: readonly PlanOp[], facts: DeviceFacts | undefined): Finding[] {
  if (!facts) return [];
  const programs = ops.filter((op): op is Program => op.kind === 'program');
  const out: Finding[] = [];
  for (const op of programs) {
    // Host-patched tables are the bytes that will be written; a table patched on the device
    // (or not at all) is read from the package by the same path when it is patched here.
    if (op.source.kind !== 'bytes' || op.target.startSector !== 0) continue;
    const sectors = facts.lunSectors[op.target.lun];
    if (sectors === undefined || !locateGptHeader(op.source.data)) continue;
    const problems = tableProblems(op.source.data, {
      disk: BigInt(sectors),
      programs: programs.filter((p) => p.target.lun === op.target.lun),
    });
    for (const text of problems)
      out.push(
        finding('refuse', 'PLAN_GPT_INVALID', `${op.source.path} (LUN ${op.target.lun}): ${text}`),
      );
  }
  return out;
}

function tableProblems(
  bytes: Uint8Array,
  c: { disk: bigint; programs: readonly Program[] },
): string[] {
  let gpt: Gpt;
  try {
    gpt = parseGpt(bytes);
  } catch (e) {
    if (e instanceof QfhError) return [e.message];
    throw e;
  }
  if (gpt.kind !== 'primary') return [];
  const { header: h } = gpt;
  const out: string[] = [];
  if (h.headerCrc !== gpt.headerCrcComputed) out.push('its header does not match its CRC-32');
  if (h.entriesCrc !== gpt.entriesCrcComputed)
    out.push('its partition entries do not match their CRC-32');
  const last = c.disk - 1n;
  if (h.alternateLba !== last)
    out.push(
      `it is made for a disk of ${h.alternateLba + 1n} sectors; this one has ${c.disk} (its backup header would be written at sector ${h.alternateLba})`,
    );
  if (h.lastUsableLba >= last || h.firstUsableLba > h.lastUsableLba)
    out.push(
      `its usable area (sectors ${h.firstUsableLba}–${h.lastUsableLba}) does not fit a disk of ${c.disk} sectors`,
    );
  out.push(...partitionProblems(gpt), ...placementProblems(gpt, c.programs));
  return out;
}

function partitionProblems(gpt: Gpt): string[] {
  const { header: h } = gpt;
  const out: string[] = [];
  const sorted = [...gpt.partitions].sort((a, b) => (a.firstLba < b.firstLba ? -1 : 1));
  for (const p of sorted)
    if (p.firstLba > p.lastLba || p.firstLba < h.firstUsableLba || p.lastLba > h.lastUsableLba)
      out.push(
        `partition ${p.name || p.index} (sectors ${p.firstLba}–${p.lastLba}) is outside the usable area (${h.firstUsableLba}–${h.lastUsableLba})`,
      );
  for (let i = 1; i < sorted.length; i++) {
    const [a, b] = [sorted[i - 1], sorted[i]];
    if (a && b && b.firstLba <= a.lastLba)
      out.push(
        `partitions ${a.name || a.index} (${a.firstLba}–${a.lastLba}) and ${b.name || b.index} (${b.firstLba}–${b.lastLba}) overlap`,
      );
  }
  return out;
}

/** The package's program lines must write each labelled partition where the table puts it. */
function placementProblems(gpt: Gpt, programs: readonly Program[]): string[] {
  const byName = new Map(gpt.partitions.map((p) => [p.name, p]));
  const out: string[] = [];
  for (const op of programs) {
    const part = op.label === undefined ? undefined : byName.get(op.label);
    const start = op.target.startSector;
    if (!part || start === undefined || op.source.kind === 'bytes') continue;
    const size = part.lastLba - part.firstLba + 1n;
    if (BigInt(start) < part.firstLba || BigInt(start + op.target.sectors) > part.firstLba + size)
      out.push(
        `the package writes ${op.label} at sectors ${start}–${start + op.target.sectors - 1}, but the table puts ${op.label} at ${part.firstLba}–${part.lastLba}`,
      );
  }
  return out;
}
