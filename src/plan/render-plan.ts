/**
 * A plan as text (for `qfh plan` and before `qfh flash` asks to go ahead) and as the JSON
 * document of schema `qfh-plan/1` (README documents it): host-patched bytes are described
 * by their length and sha256, never dumped.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import type { FlashPlan, PlanOp } from './types.js';

const mb = (n: number): string => `${(n / 1e6).toFixed(n < 1e6 ? 2 : 1)} MB`;

/** The JSON form of a plan. */
export function planToJson(plan: FlashPlan): unknown {
  return {
    ...plan,
    ops: plan.ops.map((op) => {
      if (op.kind !== 'program') return op;
      const s = op.source;
      const source =
        s.kind === 'bytes'
          ? {
              kind: 'bytes',
              path: s.path,
              length: s.data.length,
              sha256: createHash('sha256').update(s.data).digest('hex'),
            }
          : s.kind === 'fill'
            ? { kind: 'fill', pattern: Buffer.from(s.pattern).toString('hex'), length: s.length }
            : s;
      return { ...op, source, attributes: op.attributes };
    }),
  };
}

function line(op: PlanOp, i: number): string {
  const n = String(i + 1).padStart(3);
  switch (op.kind) {
    case 'erase':
      return `${n}. erase    LUN ${op.lun} sector ${op.startSector ?? '?'} +${op.sectors ?? '?'}${op.attributes.some(([k]) => k === 'vendor') ? ' (vendor line, sent verbatim)' : ''}`;
    case 'program': {
      const from =
        op.source.kind === 'fill'
          ? `fill ${Buffer.from(op.source.pattern).toString('hex')}`
          : op.source.kind === 'bytes'
            ? `${op.source.path} (patched)`
            : op.source.segments.length > 1
              ? `${op.source.path} (${op.source.segments.length} sparse chunks)`
              : op.source.path;
      return `${n}. program  LUN ${op.lun} sector ${op.startSector ?? op.startExpression} +${op.sectors}  ${(op.label ?? '').padEnd(14)} ${from}  ${mb(op.bytes)}`;
    }
    case 'patch':
      return `${n}. patch    LUN ${op.lun} ${op.attributes.find(([k]) => k === 'what')?.[1] ?? op.attributes.find(([k]) => k === 'value')?.[1] ?? ''}`;
    case 'set-bootable':
      return `${n}. boot from LUN ${op.value}`;
    case 'reset':
      return `${n}. reset the modem${op.delaySeconds ? ` (after ${op.delaySeconds} s)` : ''}`;
  }
}

/** The plan as text lines. */
export function renderPlan(plan: FlashPlan): string[] {
  const programs = plan.ops.filter((o) => o.kind === 'program').length;
  const refusals = plan.findings.filter((f) => f.level === 'refuse');
  return [
    `Plan for ${plan.package}`,
    `  ${plan.storage.toUpperCase()}, ${plan.sectorSize}-byte ${plan.storage === 'nand' ? 'pages' : 'sectors'}; programmer ${plan.programmer ?? 'none'}${plan.deviceKnown ? '' : '; disk size not known yet (read from the modem when flashing)'}`,
    `  ${plan.ops.length} steps: ${programs} images, ${mb(plan.totalBytes)} to write`,
    ...plan.ops.map(line),
    plan.findings.length ? '  findings:' : '  findings: none',
    ...plan.findings.map(
      (f) =>
        `    ${f.level.toUpperCase().padEnd(6)} ${f.code}: ${f.message}${f.flag ? ` (override: ${f.flag})` : ''}`,
    ),
    refusals.length
      ? `  qfh will NOT flash this package as it is (${refusals.length} refusal${refusals.length === 1 ? '' : 's'}).`
      : '  qfh would flash this package.',
  ];
}
