/**
 * Progress of several modems at once: on a terminal one line per modem (cli-progress
 * MultiBar: handle, bar, step and image, rate, state), redrawn in place; otherwise plain
 * lines prefixed with the modem's handle at each step and every quarter of the bytes; with
 * --json, `progress`, `state` and `message` events that each carry `device`. Throttled per
 * modem: a step boundary always shows, the rest at most ten times a second.
 *
 * @module
 */
import cliProgress from 'cli-progress';
import type { DeviceResult, DeviceStep } from '../fleet/fleet-types.js';
import type { FlashProgress } from '../flash/flash-report.js';
import type { EventWriter } from './events.js';
import { terminalSafe, type CliOutput } from './output.js';

/** What the fleet run reports to the view. */
export interface FleetView {
  progress(device: string, p: FlashProgress): void;
  step(device: string, step: DeviceStep): void;
  message(device: string, line: string): void;
  done(result: DeviceResult): void;
  stop(): void;
}

const MB = 1e6;
/** Steps and outcomes line up in a column of the longest one ('identifying'). */
const pad = (state: string): string => state.padEnd(11);
const MIN_INTERVAL_MS = 100;

interface Track {
  started: number;
  last: number;
  key: string;
  quarter: number;
}

/** The view for the output mode. */
export function fleetView(
  mode: 'tty' | 'plain' | 'json',
  c: { out: CliOutput; events: EventWriter; devices: readonly string[] },
): FleetView {
  const tracks = new Map<string, Track>();
  const track = (device: string): Track => {
    const t = tracks.get(device) ?? { started: Date.now(), last: 0, key: '', quarter: -1 };
    tracks.set(device, t);
    return t;
  };
  /** Whether this progress event is worth showing now. */
  const due = (device: string, p: FlashProgress): boolean => {
    const t = track(device);
    const key = `${p.phase}:${p.op ?? ''}`;
    const now = Date.now();
    if (key === t.key && now - t.last < MIN_INTERVAL_MS && p.phase !== 'done') return false;
    t.key = key;
    t.last = now;
    return true;
  };
  const rate = (device: string, p: FlashProgress): string =>
    (p.bytesDone / MB / Math.max(0.001, (Date.now() - track(device).started) / 1000)).toFixed(2);
  if (mode === 'json') return jsonView(c.events, due);
  if (mode === 'plain') return plainView(c.out, { track, rate });
  return barView(c.devices, { due, rate });
}

function jsonView(
  events: EventWriter,
  due: (device: string, p: FlashProgress) => boolean,
): FleetView {
  return {
    progress: (device, p) => {
      if (due(device, p)) events.emit({ event: 'progress', ...p, device });
    },
    step: (device, step) => events.emit({ event: 'state', state: step, device }),
    message: (device, text) => events.emit({ event: 'message', level: 'info', text, device }),
    done: (r) =>
      events.emit({
        event: 'state',
        state: r.outcome,
        detail: r.error?.code ?? r.state,
        device: r.device,
      }),
    stop: () => undefined,
  };
}

function plainView(
  out: CliOutput,
  c: { track: (device: string) => Track; rate: (device: string, p: FlashProgress) => string },
): FleetView {
  return {
    progress: (device, p) => {
      const t = c.track(device);
      const quarter = p.bytesTotal > 0 ? Math.floor((p.bytesDone / p.bytesTotal) * 4) : 0;
      const key = `${p.phase}:${p.op ?? ''}`;
      if (key === t.key && quarter <= t.quarter && p.phase !== 'done') return;
      t.key = key;
      t.quarter = Math.max(t.quarter, quarter);
      const step = p.op === undefined ? '' : ` step ${p.op + 1}/${p.ops}`;
      out.stderr(
        `qfh: [${device}] ${p.phase}${step}${p.label ? ` ${p.label}` : ''}: ${(p.bytesDone / MB).toFixed(1)}/${(p.bytesTotal / MB).toFixed(1)} MB, ${c.rate(device, p)} MB/s\n`,
      );
    },
    step: (device, step) => out.stderr(`qfh: [${device}] ${step}\n`),
    message: (device, line) => out.stderr(`qfh: [${device}] ${line}\n`),
    done: (r) =>
      out.stderr(
        `qfh: [${r.device}] ${r.outcome}${r.error ? `: ${r.error.message} [${r.error.code}]` : ''}\n`,
      ),
    stop: () => undefined,
  };
}

function barView(
  devices: readonly string[],
  c: {
    due: (device: string, p: FlashProgress) => boolean;
    rate: (device: string, p: FlashProgress) => string;
  },
): FleetView {
  const width = Math.max(...devices.map((d) => d.length));
  const bars = new cliProgress.MultiBar(
    {
      // State first: a narrow terminal cuts the end of the line, and the state matters most.
      format: ' {device} {state} {bar} {percentage}% {rate} MB/s {step}',
      barsize: 16,
      hideCursor: true,
      fps: 10,
      stream: process.stderr,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  const bar = new Map(
    devices.map((d) => [
      d,
      bars.create(1, 0, { device: d.padEnd(width), rate: '0.00', step: '', state: pad('waiting') }),
    ]),
  );
  return {
    progress: (device, p) => {
      if (!c.due(device, p)) return;
      const label =
        p.op === undefined ? p.phase : `${p.phase} ${p.op + 1}/${p.ops} ${p.label ?? ''}`;
      bar.get(device)?.setTotal(Math.max(1, p.bytesTotal));
      // cli-progress writes to the terminal itself, not through the CLI's output.
      const step = terminalSafe(label.trim());
      bar.get(device)?.update(p.bytesDone, { rate: c.rate(device, p), step });
    },
    step: (device, step) => bar.get(device)?.update({ state: pad(step) }),
    // A message does not fit a line per modem; the summary says what matters.
    message: () => undefined,
    done: (r) => bar.get(r.device)?.update({ state: pad(r.outcome) }),
    stop: () => bars.stop(),
  };
}
