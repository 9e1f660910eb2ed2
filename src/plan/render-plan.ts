/**
 * A plan as text (for `qfh plan` and before `qfh flash` asks to go ahead) and as the JSON
 * document of schema `qfh-plan/2` (README documents it): host-patched bytes are described
 * by their length and sha256, never dumped. The verdict line says what qfh will do with the
 * flags given, so it never says "will not flash" before a flash the flags allowed.
 *
 * @module
 */
import { overrideText } from '../accept-flags.js';
import { PlanError } from '../errors.js';
import { storageTraits } from '../storage-kind.js';
import type { Attribute } from '../xml-elements.js';
import { wireAttributes } from './wire-attributes.js';
import { standingRefusals, type PlanRequest } from './gates.js';
import type { FlashPlan, PlanOp, SectorTarget } from './types.js';
import { sha256 } from '@noble/hashes/sha2';
import { toHex } from '../bytes.js';

const mb = (n: number): string => `${(n / 1e6).toFixed(n < 1e6 ? 2 : 1)} MB`;

/** The JSON form of a plan. */
export function planToJson(plan: FlashPlan): unknown {
  return {
    ...plan,
    ops: plan.ops.map((op) => {
      if (op.kind === 'erase') return { ...op, sent: sentAttributes(op) };
      if (op.kind !== 'program') return op;
      const s = op.source;
      const source =
        s.kind === 'bytes'
          ? {
              kind: 'bytes',
              path: s.path,
              length: s.data.length,
              sha256: toHex(sha256(s.data)),
            }
          : s.kind === 'fill'
            ? { kind: 'fill', pattern: toHex(s.pattern), length: s.length }
            : s;
      return { ...op, source, sent: sentAttributes(op) };
    }),
  };
}

/** What goes on the wire for an op, or `null` while its place is not known. */
function sentAttributes(op: Extract<PlanOp, { kind: 'program' | 'erase' }>): Attribute[] | null {
  try {
    return wireAttributes(op);
  } catch (e) {
    if (e instanceof PlanError) return null;
    throw e;
  }
}

const where = (t: SectorTarget): string =>
  `LUN ${t.lun} sector ${t.startSector ?? t.startExpression} +${t.sectors ?? '?'}`;

function line(op: PlanOp, i: number): string {
  const n = String(i + 1).padStart(3);
  switch (op.kind) {
    case 'erase':
      return `${n}. erase    ${where(op.target)}${op.verbatim ? ' (vendor line, sent verbatim)' : ''}`;
    case 'program': {
      const from =
        op.source.kind === 'fill'
          ? `fill ${toHex(op.source.pattern)}`
          : op.source.kind === 'bytes'
            ? `${op.source.path} (patched)`
            : op.source.segments.length > 1
              ? `${op.source.path} (${op.source.segments.length} sparse chunks)`
              : op.source.path;
      return `${n}. program  ${where(op.target)}  ${(op.label ?? '').padEnd(14)} ${from}  ${mb(op.bytes)}`;
    }
    case 'patch': {
      const what = op.attributes.find(([k]) => k === 'what')?.[1];
      return `${n}. patch    LUN ${op.lun} ${what ?? op.attributes.find(([k]) => k === 'value')?.[1] ?? ''}`;
    }
    case 'set-bootable':
      return `${n}. boot from LUN ${op.value}`;
    case 'reset':
      return `${n}. reset the modem${op.delaySeconds ? ` (after ${op.delaySeconds} s)` : ''}`;
  }
}

/** Findings that mean there is no package to plan: the plan's steps would mislead. */
const NOT_A_PACKAGE = new Set(['PKG_EMPTY', 'PKG_NOT_FIRMWARE']);

/** The plan as text lines; the verdict accounts for the flags in `request`. */
export function renderPlan(plan: FlashPlan, request: PlanRequest = {}): string[] {
  const notPackage = plan.findings.find((f) => NOT_A_PACKAGE.has(f.code));
  if (notPackage)
    return [
      `Not a firmware package: ${plan.package}`,
      `  ${notPackage.code}: ${notPackage.message}`,
    ];
  const programs = plan.ops.filter((o) => o.kind === 'program').length;
  const traits = storageTraits(plan.storage);
  const standing = standingRefusals(plan.findings, request);
  const accepted = plan.findings.filter((f) => f.level === 'refuse').length - standing.length;
  const device = plan.device ? '' : '; disk size not known yet (read from the modem when flashing)';
  return [
    `Plan for ${plan.package}`,
    `  ${traits.displayName}, ${plan.sectorSize}-byte ${traits.unit}s; programmer ${plan.programmer ?? 'none'}${device}`,
    `  ${plan.ops.length} steps: ${programs} images, ${mb(plan.totalBytes)} to write`,
    ...plan.ops.map(line),
    plan.findings.length ? '  findings:' : '  findings: none',
    ...plan.findings.map(
      (f) =>
        `    ${f.level.toUpperCase().padEnd(6)} ${f.code}: ${f.message}${f.flag ? ` (override: ${overrideText(f.flag)})` : ''}`,
    ),
    standing.length
      ? `  qfh will NOT flash this package as it is (${standing.length} refusal${standing.length === 1 ? '' : 's'}).`
      : accepted > 0
        ? `  qfh would flash this package: ${accepted} refusal${accepted === 1 ? ' is' : 's are'} accepted by the flags given.`
        : '  qfh would flash this package.',
  ];
}
