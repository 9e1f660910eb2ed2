/**
 * The end of a many-modem flash: a table with a row per modem (how it was reached, its
 * outcome, what reached it, bytes, time, why it was not flashed), the modems `--all` left
 * out, the exact command that retries just the ones that failed or were stopped, and the
 * error whose code gives the exit status (0 only when every modem was flashed).
 *
 * @module
 */
import { FleetError, PlanRefusedError, type QfhError } from '../errors.js';
import type { DeviceResult, FleetResult } from '../fleet/fleet-types.js';
import type { SkippedModem } from '../fleet/select-all.js';

/** One modem's line of the summary (also the `summary` event's `devices`). */
export interface DeviceSummary {
  readonly device: string;
  readonly outcome: DeviceResult['outcome'];
  /** How it was reached; `null` when it could not be opened. */
  readonly mode: NonNullable<DeviceResult['mode']> | null;
  readonly state: DeviceResult['state'];
  readonly bytes: number;
  readonly seconds: number;
  readonly code: string | undefined;
  readonly message: string | undefined;
  /** The gates that refused it, with the flag that would accept each risk. */
  readonly refusals: readonly { code: string; message: string; flag?: string }[] | undefined;
  /** What to run next for this modem alone (from its report). */
  readonly next: string | undefined;
}

/** How a retry is worded: the command and the options to repeat. */
export interface RetryBase {
  readonly command: 'flash' | 'edl-recover';
  readonly packageArgument: string;
  /** Options the user gave that the retry repeats (accept flags, --no-verify, …). */
  readonly options: readonly string[];
}

/** The summary rows. */
export function summarise(result: FleetResult): DeviceSummary[] {
  return result.devices.map((d) => ({
    device: d.device,
    outcome: d.outcome,
    mode: d.mode ?? null,
    state: d.state,
    bytes: d.report?.bytes ?? 0,
    seconds: Math.round(d.seconds * 10) / 10,
    code: d.error?.code,
    message: d.error?.message,
    refusals: d.error instanceof PlanRefusedError ? d.error.refusals : undefined,
    next: d.report?.next,
  }));
}

const quote = (s: string): string =>
  /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;

/** The handle a retry names (`sim:rm500q#2` → `sim:rm500q`: a label, not a device). */
const handleOf = (device: string): string => device.replace(/#\d+$/, '');

/** The command that retries just the modems that failed or were stopped, if any. */
export function retryCommand(rows: readonly DeviceSummary[], base: RetryBase): string | undefined {
  const again = rows.filter((r) => r.outcome === 'failed' || r.outcome === 'stopped');
  if (again.length === 0) return undefined;
  return [
    'qfh',
    base.command,
    quote(base.packageArgument),
    ...again.flatMap((r) => ['--device', quote(handleOf(r.device))]),
    ...base.options.map(quote),
  ].join(' ');
}

/** Why a modem was not flashed, in a few words. */
function detail(r: DeviceSummary): string {
  if (r.outcome === 'flashed') return '';
  if (r.refusals)
    return r.refusals
      .map((x) => `${x.code}${x.flag ? ` (${x.flag} accepts it)` : ''}: ${x.message}`)
      .join('; ');
  return `${r.code ?? ''}: ${r.message ?? ''}`;
}

/** The table, the modems left out, and the retry. */
export function renderSummary(
  rows: readonly DeviceSummary[],
  c: { skipped: readonly SkippedModem[]; retry: string | undefined },
): string[] {
  const table = rows.map((r) => [
    r.device,
    r.mode ?? '-',
    r.outcome,
    r.state,
    (r.bytes / 1e6).toFixed(1),
    r.seconds.toFixed(1),
    r.seconds > 0 && r.bytes > 0 ? (r.bytes / 1e6 / r.seconds).toFixed(2) : '-',
    detail(r),
  ]);
  const head = ['DEVICE', 'MODE', 'RESULT', 'MODEM', 'MB', 's', 'MB/s', 'WHY'];
  const widths = head.map((h, i) => Math.max(h.length, ...table.map((t) => (t[i] ?? '').length)));
  const line = (t: readonly string[]): string =>
    `  ${t.map((cell, i) => (i === t.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ')}`.trimEnd();
  const count = (o: DeviceSummary['outcome']): number => rows.filter((r) => r.outcome === o).length;
  const tally = [
    `${count('flashed')} of ${rows.length} modems flashed`,
    ...(['refused', 'failed', 'stopped'] as const)
      .filter((o) => count(o) > 0)
      .map((o) => `${count(o)} ${o}`),
  ].join(', ');
  return [
    line(head),
    ...table.map(line),
    `${tally}.`,
    ...c.skipped.map((s) => `  left out: ${s.device}: ${s.reason}`),
    ...rows.filter((r) => r.outcome === 'failed' && r.next).map((r) => `  ${r.device}: ${r.next}`),
    ...(c.retry ? [`Retry the ones that failed or were stopped: ${c.retry}`] : []),
  ];
}

/** The error that ends the command when not every modem was flashed. */
export function fleetFailure(
  rows: readonly DeviceSummary[],
  retry: string | undefined,
): QfhError | undefined {
  const missed = rows.filter((r) => r.outcome !== 'flashed');
  if (missed.length === 0) return undefined;
  const code = missed.some((r) => r.outcome === 'failed')
    ? 'QFH_FLEET_INCOMPLETE'
    : missed.some((r) => r.outcome === 'stopped')
      ? 'QFH_INTERRUPTED'
      : 'QFH_REFUSED';
  const names = missed.map((r) => `${r.device} ${r.outcome}${r.code ? ` (${r.code})` : ''}`);
  return new FleetError(
    code,
    `${missed.length} of ${rows.length} modems ${missed.length === 1 ? 'was' : 'were'} not flashed: ${names.join(', ')}`,
    {
      hint: retry
        ? `Retry just those: ${retry}`
        : 'The refused modems need the firmware made for them (or, if you are sure, the flag each refusal names).',
    },
  );
}
