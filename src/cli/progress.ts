/**
 * Renders flash progress events: a bar with rate and ETA on a TTY (cli-progress), plain
 * lines otherwise (a line per step and every 10 %), one JSON object per line with --json.
 * Rendering is throttled by cli-progress and by the 10 % steps; the library never prints.
 *
 * @module
 */
import cliProgress from 'cli-progress';
import type { FlashProgress } from '../flash/execute.js';
import type { CliOutput } from './output.js';

/** A progress sink plus a stop() to call before printing anything else. */
export interface ProgressRenderer {
  onProgress(p: FlashProgress): void;
  stop(): void;
}

const MB = 1e6;

/** Picks the renderer for the output mode. */
export function progressRenderer(mode: 'tty' | 'plain' | 'json', out: CliOutput): ProgressRenderer {
  if (mode === 'json')
    return {
      onProgress: (p) => out.stdout(`${JSON.stringify({ event: 'progress', ...p })}\n`),
      stop: () => undefined,
    };
  if (mode === 'plain') {
    let lastStep = -1;
    let lastTenth = -1;
    return {
      onProgress: (p) => {
        const tenth = p.bytesTotal > 0 ? Math.floor((p.bytesDone / p.bytesTotal) * 10) : 0;
        const stepChanged = p.op !== lastStep && p.phase !== 'verify';
        if (stepChanged || tenth > lastTenth || p.phase === 'done') {
          out.stdout(
            `qfh: ${p.phase}${p.op === undefined ? '' : ` step ${p.op + 1}/${p.ops}`}${p.label ? ` ${p.label}` : ''} — ${(p.bytesDone / MB).toFixed(1)}/${(p.bytesTotal / MB).toFixed(1)} MB (${tenth * 10}%)\n`,
          );
          lastTenth = Math.max(lastTenth, tenth);
          lastStep = p.op ?? lastStep;
        }
      },
      stop: () => undefined,
    };
  }
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
    onProgress: (p) => {
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
        label: p.label ?? '',
      };
      if (!startedBar) {
        bar.start(Math.max(1, p.bytesTotal), 0, payload);
        startedBar = true;
      }
      bar.update(p.bytesDone, payload);
    },
    stop: () => {
      if (startedBar) bar.stop();
    },
  };
}
