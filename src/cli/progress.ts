/**
 * Renders flash progress events: a bar with rate and ETA on a terminal (cli-progress),
 * plain lines otherwise (a line per step and every 10 %), events with --json. Every form is
 * throttled: a step boundary always shows, the rest at most about ten times a second, so a
 * 31 MB flash of 8 KiB payloads does not print thousands of lines.
 *
 * @module
 */
import cliProgress from 'cli-progress';
import type { FlashProgress } from '../flash/flash-report.js';
import type { EventWriter } from './events.js';
import { terminalSafe, type CliOutput } from './output.js';

/** A progress sink plus a stop() to call before printing anything else. */
export interface ProgressRenderer {
  onProgress(p: FlashProgress): void;
  stop(): void;
}

const MB = 1e6;
const MIN_INTERVAL_MS = 100;

/** Passes a step boundary always, anything else at most every 100 ms. */
function throttled(render: (p: FlashProgress) => void): (p: FlashProgress) => void {
  let last = 0;
  let step = '';
  return (p) => {
    const key = `${p.phase}:${p.op ?? ''}`;
    const now = Date.now();
    if (key === step && now - last < MIN_INTERVAL_MS && p.phase !== 'done') return;
    step = key;
    last = now;
    render(p);
  };
}

/** Picks the renderer for the output mode. */
export function progressRenderer(
  mode: 'tty' | 'plain' | 'json',
  sinks: { out: CliOutput; events: EventWriter; device?: string },
): ProgressRenderer {
  if (mode === 'json') {
    const device = sinks.device === undefined ? {} : { device: sinks.device };
    return {
      onProgress: throttled((p) => sinks.events.emit({ event: 'progress', ...p, ...device })),
      stop: () => undefined,
    };
  }
  if (mode === 'plain') return plainRenderer(sinks.out);
  return barRenderer();
}

function plainRenderer(out: CliOutput): ProgressRenderer {
  let lastStep = -1;
  let lastTenth = -1;
  return {
    onProgress: (p) => {
      const tenth = p.bytesTotal > 0 ? Math.floor((p.bytesDone / p.bytesTotal) * 10) : 0;
      const stepChanged = p.op !== lastStep && p.phase !== 'verify';
      if (!stepChanged && tenth <= lastTenth && p.phase !== 'done') return;
      const step = p.op === undefined ? '' : ` step ${p.op + 1}/${p.ops}`;
      out.stderr(
        `qfh: ${p.phase}${step}${p.label ? ` ${p.label}` : ''} — ${(p.bytesDone / MB).toFixed(1)}/${(p.bytesTotal / MB).toFixed(1)} MB (${tenth * 10}%)\n`,
      );
      lastTenth = Math.max(lastTenth, tenth);
      lastStep = p.op ?? lastStep;
    },
    stop: () => undefined,
  };
}

function barRenderer(): ProgressRenderer {
  const started = Date.now();
  const bar = new cliProgress.SingleBar(
    {
      format:
        ' {bar} {percentage}% | {doneMb}/{totalMb} MB | {rate} MB/s | ETA {etaText} | {phase} {label}',
      hideCursor: true,
      fps: 10,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  let startedBar = false;
  return {
    onProgress: throttled((p) => {
      // cli-progress reserves {total} and estimates ETA from updates; both come from our own numbers.
      const rate = p.bytesDone / Math.max(0.001, (Date.now() - started) / 1000);
      const eta = rate > 0 ? Math.round((p.bytesTotal - p.bytesDone) / rate) : undefined;
      const payload = {
        doneMb: (p.bytesDone / MB).toFixed(1),
        totalMb: (p.bytesTotal / MB).toFixed(1),
        rate: (rate / MB).toFixed(2),
        etaText:
          eta === undefined ? '--' : `${Math.floor(eta / 60)}:${String(eta % 60).padStart(2, '0')}`,
        phase: p.phase,
        // cli-progress writes to the terminal itself, not through the CLI's output.
        label: terminalSafe(p.label ?? ''),
      };
      if (!startedBar) {
        bar.start(Math.max(1, p.bytesTotal), 0, payload);
        startedBar = true;
      }
      bar.update(p.bytesDone, payload);
    }),
    stop: () => {
      if (startedBar) bar.stop();
    },
  };
}
