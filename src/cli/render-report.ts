/**
 * A flash report as text: one summary line, a row per image with where it went, how fast,
 * and how it was verified, then what failed and what to run next.
 *
 * @module
 */
import type { FlashReport } from '../flash/flash-report.js';

const STATE_TEXT: Readonly<Record<FlashReport['state'], string>> = {
  untouched: 'nothing was written',
  partial: 'the modem is partly written',
  complete: 'every image was written and verified',
  flashed: 'flashed',
};

/** The report as text lines. */
export function renderReport(r: FlashReport): string[] {
  const rate = r.seconds > 0 ? ` (${(r.bytes / 1e6 / r.seconds).toFixed(2)} MB/s)` : '';
  const rows = r.ops
    .filter((o) => o.kind === 'program')
    .map(
      (o) =>
        `  ${String(o.index + 1).padStart(4)}  ${(o.label ?? '').padEnd(22)} ${String(o.lun ?? '').padStart(3)} ${String(o.startSector ?? '').padStart(9)} ${String(o.bytes).padStart(11)} ${o.seconds.toFixed(2).padStart(7)} ${(o.mbPerSecond ?? 0).toFixed(2).padStart(7)}  ${o.skipped ? 'unchanged, not written' : (o.verified ?? '')}`,
    );
  const notes = [...new Set(r.ops.flatMap((o) => (o.verifyNote ? [o.verifyNote] : [])))];
  return [
    r.ok
      ? `Flashed ${r.package} onto ${r.device}: ${r.ops.length}/${r.opsTotal} steps, ${(r.bytes / 1e6).toFixed(1)} MB in ${r.seconds.toFixed(1)} s${rate}`
      : `Stopped after ${r.ops.length} of ${r.opsTotal} steps: ${STATE_TEXT[r.state]} (${r.writesSent} of ${r.writesTotal} writes sent).`,
    ...(rows.length
      ? [
          '  step  partition              LUN    sector       bytes       s    MB/s  verified',
          ...rows,
        ]
      : []),
    ...notes.map((n) => `  verified: ${n}`),
    ...skipLines(r),
    ...(r.failure
      ? [
          `  failed${r.failure.op === undefined ? '' : ` at step ${r.failure.op + 1}`}: ${r.failure.message}`,
        ]
      : []),
    ...(r.next ? [`  next: ${r.next}`] : []),
  ];
}

/** What --skip-unchanged compared and left out. */
function skipLines(r: FlashReport): string[] {
  const s = r.skipUnchanged;
  if (!s) return [];
  const erases = r.ops.filter((o) => o.skipped && o.kind === 'erase').length;
  return [
    `  skip-unchanged: ${s.unchanged} of ${s.compared} ranges already held the package (${(s.bytesSkipped / 1e6).toFixed(1)} MB and ${erases} erase${erases === 1 ? '' : 's'} not sent)`,
    ...(s.note ? [`  skip-unchanged: ${s.note}`] : []),
  ];
}
