/**
 * What `--skip-unchanged` may leave out, and as what unit: an erase together with the
 * programs that lie inside it (the device's digest of the whole erased range must equal what
 * a full flash would leave there: each image zero-padded to its sectors, the erased value
 * between and after them), or a program no erase touches (its own range compared). A
 * program that any other erase overlaps, a vendor erase, or an erase whose range is not
 * known is never in a unit: those are always sent. Pure: plan ops in, units out.
 *
 * @module
 */
import type { PlanOp } from '../plan/types.js';

type Program = Extract<PlanOp, { kind: 'program' }>;
type Erase = Extract<PlanOp, { kind: 'erase' }>;

/** An extent of a unit's range, in order. */
export type UnitPart =
  | { readonly kind: 'program'; readonly index: number; readonly op: Program }
  /** Sectors that a full flash leaves erased. */
  | { readonly kind: 'erased'; readonly sectors: number };

/** Ops that are skipped together, and the range their digest covers. */
export interface SkipUnit {
  /** Plan indices of the ops (the erase first, when there is one). */
  readonly ops: readonly number[];
  /** The range compared: the erase's, or the lone program's. */
  readonly target: {
    readonly lun: number;
    readonly startSector: number;
    readonly sectors: number;
    readonly sectorSize: number;
    readonly pagesPerBlock: number | undefined;
  };
  readonly parts: readonly UnitPart[];
  /** For messages: the programs' labels. */
  readonly label: string;
}

interface Span {
  readonly lun: number;
  readonly start: number;
  readonly end: number;
}

const spanOf = (op: Program | Erase): Span | undefined => {
  const { lun, startSector, sectors } = op.target;
  return startSector === undefined || sectors === undefined
    ? undefined
    : { lun, start: startSector, end: startSector + sectors };
};
const overlaps = (a: Span, b: Span): boolean =>
  a.lun === b.lun && a.start < b.end && b.start < a.end;
const contains = (outer: Span, inner: Span): boolean =>
  outer.lun === inner.lun && outer.start <= inner.start && inner.end <= outer.end;
const labelOf = (p: Program): string => p.label ?? p.file ?? 'image';

/** The skip units of a plan's ops, in plan order of their first op. */
export function skipUnits(ops: readonly PlanOp[]): SkipUnit[] {
  const erases = ops.flatMap((op, index) => (op.kind === 'erase' ? [{ op, index }] : []));
  const programs = ops.flatMap((op, index) => (op.kind === 'program' ? [{ op, index }] : []));
  const owner = new Map<number, number>(); // program index → erase index
  const blocked = new Set<number>(); // ops that must be sent whatever the digests say
  for (const p of programs) {
    const span = spanOf(p.op);
    if (!span || p.op.target.sectors === 0) {
      blocked.add(p.index);
      continue;
    }
    const touching = erases.filter((e) => {
      const s = spanOf(e.op);
      return s === undefined || overlaps(s, span);
    });
    const only = touching[0];
    const es = only && spanOf(only.op);
    if (touching.length === 0) continue;
    if (touching.length === 1 && only && !only.op.verbatim && es && contains(es, span))
      owner.set(p.index, only.index);
    else for (const x of [p, ...touching]) blocked.add(x.index);
  }
  const units: SkipUnit[] = [];
  for (const e of erases) {
    const span = spanOf(e.op);
    const mine = programs.filter((p) => owner.get(p.index) === e.index);
    if (!span || e.op.verbatim || blocked.has(e.index) || mine.length === 0) continue;
    if (mine.some((p) => blocked.has(p.index))) continue;
    const unit = eraseUnit(e, mine, span);
    if (unit.ops.length > 0) units.push(unit);
  }
  for (const p of programs) {
    const span = spanOf(p.op);
    if (!span || blocked.has(p.index) || owner.has(p.index)) continue;
    units.push({
      ops: [p.index],
      target: { ...p.op.target, startSector: span.start, sectors: span.end - span.start },
      parts: [{ kind: 'program', index: p.index, op: p.op }],
      label: labelOf(p.op),
    });
  }
  return units.sort((a, b) => (a.ops[0] ?? 0) - (b.ops[0] ?? 0));
}

function eraseUnit(
  e: { op: Erase; index: number },
  mine: readonly { op: Program; index: number }[],
  span: Span,
): SkipUnit {
  const sorted = [...mine].sort((a, b) => (spanOf(a.op)?.start ?? 0) - (spanOf(b.op)?.start ?? 0));
  const parts: UnitPart[] = [];
  let at = span.start;
  for (const p of sorted) {
    const s = spanOf(p.op) as Span;
    // Two programs overlapping inside one erase: the order of writes would decide the bytes.
    if (s.start < at) return { ...emptyUnit(e, span), ops: [] };
    if (s.start > at) parts.push({ kind: 'erased', sectors: s.start - at });
    parts.push({ kind: 'program', index: p.index, op: p.op });
    at = s.end;
  }
  if (at < span.end) parts.push({ kind: 'erased', sectors: span.end - at });
  return {
    ...emptyUnit(e, span),
    ops: [e.index, ...sorted.map((p) => p.index)],
    parts,
    label: sorted.map((p) => labelOf(p.op)).join(', '),
  };
}

function emptyUnit(e: { op: Erase }, span: Span): SkipUnit {
  return {
    ops: [],
    target: { ...e.op.target, startSector: span.start, sectors: span.end - span.start },
    parts: [],
    label: '',
  };
}
