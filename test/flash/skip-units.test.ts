import { expect, it } from 'vitest';
import { skipUnits } from '../../src/flash/skip-units.js';
import type { PlanOp } from '../../src/plan/types.js';

const target = (startSector: number, sectors: number, lun = 0) => ({
  lun,
  startSector,
  startExpression: String(startSector),
  sectors,
  sectorSize: 4096,
  pagesPerBlock: 64,
});
const origin = { manifest: 'rawprogram.xml', index: 0 };
const erase = (start: number, sectors: number, verbatim = false): PlanOp => ({
  kind: 'erase',
  target: target(start, sectors),
  verbatim,
  attributes: [],
  origin,
  bytes: 0,
});
const program = (label: string, start: number, sectors: number, lun = 0): PlanOp => ({
  kind: 'program',
  target: target(start, sectors, lun),
  label,
  file: `${label}.bin`,
  source: { kind: 'file', path: `${label}.bin`, segments: [{ offset: 0, length: sectors * 4096 }] },
  bytes: sectors * 4096,
  attributes: [],
  origin,
});
const units = (ops: PlanOp[]): { ops: readonly number[]; parts: string[] }[] =>
  skipUnits(ops).map((u) => ({
    ops: u.ops,
    parts: u.parts.map((p) => (p.kind === 'erased' ? `erased ${p.sectors}` : `program ${p.index}`)),
  }));

it('pairs an erase with the programs inside it, the erased rest in between and after', () => {
  expect(units([erase(0, 128), program('a', 0, 10), program('b', 64, 64)])).toEqual([
    { ops: [0, 1, 2], parts: ['program 1', 'erased 54', 'program 2'] },
  ]);
});

it('a program no erase touches is a unit of its own; an erase with no program never is', () => {
  expect(units([erase(0, 64), program('a', 100, 5), program('b', 200, 5, 1)])).toEqual([
    { ops: [1], parts: ['program 1'] },
    { ops: [2], parts: ['program 2'] },
  ]);
});

it('never skips what a second or a vendor erase would wipe, nor a program sticking out of its erase', () => {
  expect(units([erase(0, 64), erase(32, 64), program('a', 40, 8)])).toEqual([]);
  expect(units([erase(0, 64, true), program('a', 0, 8)])).toEqual([]);
  expect(units([erase(0, 64), program('a', 60, 8)])).toEqual([]);
});

it('never skips a program whose range is not known yet, nor its erase', () => {
  const unknown: PlanOp = {
    kind: 'erase',
    target: { ...target(0, 64), sectors: undefined },
    verbatim: false,
    attributes: [],
    origin,
    bytes: 0,
  };
  expect(units([unknown, program('a', 0, 8)])).toEqual([]);
});
