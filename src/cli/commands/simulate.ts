/**
 * `qfh simulate`: runs a simulated modem behind a TCP port until SIGINT/SIGTERM, so qfh
 * (or any tool speaking Sahara/Firehose over a byte stream) can flash it from another
 * process. Optionally dumps the storage on exit.
 *
 * @module
 */
import { UsageError } from '../../errors.js';
import { dumpStorage } from '../../sim/dump-storage.js';
import { PROFILES, SimulatedModem } from '../../sim/index.js';
import { serveModem } from '../../sim/tcp-server.js';
import { defineCommand, type RunContext } from '../command.js';
import { ExitCode } from '../exit-codes.js';

/** Options of `qfh simulate`. */
export interface SimulateOptions {
  profile: string;
  listen: string;
  state: 'edl' | 'normal';
  dump: string | undefined;
  /** Wait the profile's real delays instead of none. */
  realTime: boolean;
}

/** Parses `HOST:PORT` (IPv6 in brackets). */
export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(text);
  const port = Number(m?.[3]);
  if (!m || !Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(
      'QFH_USAGE',
      `--listen wants HOST:PORT (e.g. 127.0.0.1:5000), got "${text}"`,
    );
  return { host: m[1] ?? m[2] ?? '127.0.0.1', port };
}

export const simulateCommand = defineCommand({
  syntax: ['simulate'],
  describe:
    'Run a simulated modem (Sahara + Firehose over simulated storage) on a TCP port until Ctrl-C',
  examples: [
    ['qfh simulate --profile rm500q', 'an RM500Q in EDL on a free port (printed)'],
    [
      'qfh simulate --listen 127.0.0.1:9008 --dump ./out',
      'a fixed port; storage written to ./out on exit',
    ],
  ],
  options: (y) =>
    y
      .option('profile', {
        type: 'string',
        default: 'eg25g',
        describe: `device profile: ${[...PROFILES.keys()].join(', ')}`,
      })
      .option('listen', {
        type: 'string',
        default: '127.0.0.1:0',
        describe: 'HOST:PORT to listen on (port 0 picks a free one)',
      })
      .option('state', {
        choices: ['edl', 'normal'] as const,
        default: 'edl' as const,
        describe: 'boot into EDL or normal (AT) mode',
      })
      .option('dump', { type: 'string', describe: 'on exit, write each LUN as DIR/lunN.img' })
      .option('real-time', {
        type: 'boolean',
        default: false,
        describe:
          'wait the real module delays (about 3 s to re-enumerate, 1 s for the programmer to start)',
      }),
  run: async (argv, ctx) =>
    runSimulate(
      {
        profile: argv.profile,
        listen: argv.listen,
        state: argv.state,
        dump: argv.dump,
        realTime: argv.realTime,
      },
      ctx,
    ),
});

/** Runs until a stop signal arrives (or `stop` resolves, for tests). */
export async function runSimulate(
  o: SimulateOptions,
  ctx: Pick<RunContext, 'out' | 'signals'>,
  stop?: Promise<void>,
): Promise<number> {
  if (!PROFILES.has(o.profile))
    throw new UsageError('QFH_USAGE', `unknown profile "${o.profile}"`, {
      hint: `Simulator profiles: ${[...PROFILES.keys()].join(', ')}.`,
    });
  const { host, port } = parseListen(o.listen);
  const modem = new SimulatedModem({
    profile: o.profile,
    state: o.state,
    timeScale: o.realTime ? 1 : 0,
  });
  const server = await serveModem(modem, host, port);
  const where = `tcp://${server.host.includes(':') ? `[${server.host}]` : server.host}:${server.port}`;
  const out = ctx.out;
  out.stdout(
    `qfh simulate: ${modem.profile.module} (${o.profile}) in ${o.state === 'edl' ? 'EDL (05c6:9008)' : 'normal mode'}, listening on ${where}\n`,
  );
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200);
  await new Promise<void>((resolve) => {
    const dispose = ctx.signals.onStop(() => {
      dispose();
      resolve();
    });
    void stop?.then(() => {
      dispose();
      resolve();
    });
  });
  clearInterval(sampler);
  await server.close();
  if (o.dump) {
    const files = await dumpStorage(modem.storage, o.dump);
    out.stdout(`qfh simulate: storage written to ${files.join(', ')}\n`);
  }
  const rss = Math.round(Math.max(peakRss, process.memoryUsage().rss) / 1048576);
  out.stdout(
    `qfh simulate: stopped (peak RSS ${rss} MiB, storage held ${modem.storage.allocatedBytes} bytes)\n`,
  );
  return ExitCode.OK;
}
