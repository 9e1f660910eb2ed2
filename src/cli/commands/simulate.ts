/**
 * `qfh simulate`: runs a simulated modem behind a TCP port until SIGINT/SIGTERM, so qfh
 * (or any tool speaking Sahara/Firehose over a byte stream) can flash it from another
 * process. Optionally dumps the storage on exit.
 *
 * @module
 */
import { UsageError } from '../../errors.js';
import { dumpStorage, loadStorage } from '../../sim/dump-storage.js';
import { preloadPackage } from '../sim-preload.js';
import { serviceSignals, watchParent } from '../simulate-controls.js';
import { PROFILES, SimulatedModem } from '../../sim/index.js';
import { serveFunctionFs } from '../../sim/functionfs-gadget.js';
import { serveModem } from '../../sim/tcp-server.js';
import { defineCommand, type RunContext } from '../command.js';
import { ExitCode } from '../exit-codes.js';

/** Options of `qfh simulate`. */
export interface SimulateOptions {
  profile: string;
  listen: string;
  state: 'edl' | 'normal';
  dump: string | undefined;
  /** Start from LUN images a previous --dump wrote. */
  load: string | undefined;
  /** Flash this package onto the modem before serving (a modem with real contents). */
  preload?: string | undefined;
  /** No protocol delays (banner, command latency, re-enumeration): for quick experiments only. */
  instant: boolean;
  /** Bulk data time at the profile's real rates (program, erase, digest, USB). */
  realData: boolean;
  /** Every boot comes up in EDL (the EDL pin held), so flashes can be repeated. */
  holdEdl: boolean;
  /** Keep the programmer's start-up banner back. */
  holdBanner: boolean;
  /** Serve as a USB gadget with its FunctionFS mounted here, instead of over TCP. */
  functionfs?: string | undefined;
  /** The UDC the gadget binds to (default: the first in /sys/class/udc). */
  udc?: string | undefined;
}

/** Starts the front the options name; resolves to where it is and how to stop it. */
async function serve(
  o: SimulateOptions,
  modem: SimulatedModem,
  c: { out: RunContext['out']; say: (line: string) => void },
): Promise<{ where: string; stop: () => Promise<void> }> {
  if (o.functionfs) {
    const gadget = await serveFunctionFs(modem, {
      mountPoint: o.functionfs,
      ...(o.udc ? { udc: o.udc } : {}),
      onEvent: (m) => c.say(`usb: ${m}`),
    });
    return {
      where: `USB gadget ${gadget.gadget.path} on ${gadget.udc} (FunctionFS at ${o.functionfs})`,
      stop: async () => {
        await gadget.close();
        const n = gadget.counters;
        c.out.stdout(
          `qfh simulate: usb transfers from host ${n.transfersFromHost} (+${n.zlpsFromHost} ZLPs), to host ${n.transfersToHost} (${n.zlpsToHost} ended by a ZLP)\n`,
        );
      },
    };
  }
  const { host, port } = parseListen(o.listen);
  if (!isLoopback(host))
    c.say(
      `warning: listening on ${host}, not loopback: anyone who can reach it can flash this simulated modem`,
    );
  const server = await serveModem(modem, host, port, { onEvent: c.say }).catch((e: unknown) => {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EADDRINUSE' && code !== 'EACCES' && code !== 'EADDRNOTAVAIL') throw e;
    throw new UsageError('QFH_USAGE', `--listen ${o.listen}: ${(e as Error).message}`, {
      hint:
        code === 'EADDRINUSE'
          ? 'Another program (or another qfh simulate) listens there: pick another port, or --listen 127.0.0.1:0 for a free one.'
          : code === 'EACCES'
            ? 'Ports below 1024 need root: pick a port above 1024, or 0 for a free one.'
            : 'That address is not on this machine: use 127.0.0.1, or one of its own addresses.',
    });
  });
  return {
    where: `tcp://${server.host.includes(':') ? `[${server.host}]` : server.host}:${server.port}`,
    stop: () => server.close(),
  };
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
    'Run a simulated modem (Sahara + Firehose over simulated storage, real protocol timing) on a TCP port until Ctrl-C',
  examples: [
    ['qfh simulate --profile rm500q', 'an RM500Q in EDL on a free port (printed)'],
    [
      'qfh simulate --preload ./fw',
      'an EG25-G already holding the package: back it up, or flash over real contents',
    ],
    [
      'qfh simulate --listen 127.0.0.1:9008 --dump ./out',
      'a fixed port; storage written to ./out on exit',
    ],
    [
      'kill -HUP $(pgrep -f "^qfh simulate")',
      'power-cycle the simulated modem; SIGUSR2 writes the --dump now',
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
      .option('dump', {
        type: 'string',
        describe: 'write each LUN as DIR/lunN.img on exit (and on SIGUSR2)',
      })
      .option('load', {
        type: 'string',
        describe: 'start from the LUN images a --dump wrote (DIR/lunN.img)',
      })
      .option('preload', {
        type: 'string',
        describe:
          'start as a flashed modem: flash this firmware package onto it first (its GPT and images)',
      })
      .option('instant', {
        type: 'boolean',
        default: false,
        describe:
          'no protocol delays (banner ≈1 s after Sahara, re-enumeration): quick experiments only',
      })
      .option('real-data', {
        type: 'boolean',
        default: false,
        describe: 'program, erase and hash at the real device rates',
      })
      .option('hold-edl', {
        type: 'boolean',
        describe:
          'every boot comes up in EDL, so flashes can be repeated (default: on with --state edl)',
      })
      .option('hold-banner', {
        type: 'boolean',
        default: false,
        describe:
          'keep the programmer start-up banner back (hosts that cannot take unsolicited logs)',
      })
      .option('functionfs', {
        type: 'string',
        describe:
          'instead of TCP, be a USB gadget (05c6:9008) with FunctionFS mounted at DIR (Linux, root, libcomposite + usb_f_fs)',
      })
      .option('udc', {
        type: 'string',
        describe: 'with --functionfs: the UDC to bind to (default: the first in /sys/class/udc)',
      }),
  run: async (argv, ctx) =>
    runSimulate(
      {
        profile: argv.profile,
        listen: argv.listen,
        state: argv.state,
        dump: argv.dump,
        load: argv.load,
        preload: argv.preload,
        instant: argv.instant,
        realData: argv.realData,
        holdEdl: argv.holdEdl ?? argv.state === 'edl',
        holdBanner: argv.holdBanner,
        functionfs: argv.functionfs,
        udc: argv.udc,
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
  if (o.functionfs && o.state !== 'edl')
    throw new UsageError('QFH_USAGE', '--functionfs serves the modem in EDL only (--state edl)');
  const say = (line: string): void => ctx.out.stderr(`qfh simulate: ${line}\n`);
  const modem = new SimulatedModem({
    profile: o.profile,
    state: o.state,
    timing: { protocol: o.instant ? 'instant' : 'real', dataTimeScale: o.realData ? 1 : 0 },
    holdEdl: o.holdEdl,
    holdBanner: o.holdBanner,
    onEvent: say,
  });
  // A stop (Ctrl-C, SIGTERM, the parent gone) is heard from the start: loading a large dump
  // takes a while, and a supervisor may give up on it before the modem is served.
  // Only the first stop is ours: a second Ctrl-C meets Node's own handler and ends the
  // process at once, mid-load or mid-dump.
  let stopping = false;
  let resolveStopped = (): void => undefined;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  const requestStop = (): void => {
    stopping = true;
    disposeStop();
    resolveStopped();
  };
  const disposeStop = ctx.signals.onStop(requestStop);
  const orphaned = watchParent(() => {
    say('the process that started qfh simulate is gone: stopping');
    requestStop();
  });
  void stop?.then(requestStop);
  const served = await startServing(o, modem, { ctx, say }).catch((e: unknown) => {
    disposeStop();
    clearInterval(orphaned);
    throw e;
  });
  // Every signal handler is in place before the line that tells a supervisor it may send
  // them; a simulator stopped while it started is never announced as ready.
  const controls = serviceSignals(modem, { dump: o.dump, say });
  if (!stopping)
    ctx.out.stdout(
      `qfh simulate: ${modem.profile.module} (${o.profile}) in ${o.state === 'edl' ? 'EDL (05c6:9008)' : 'normal mode'}, ${o.functionfs ? 'as' : 'listening on'} ${served.where}\n`,
    );
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200);
  await stopped;
  clearInterval(orphaned);
  controls.dispose();
  clearInterval(sampler);
  await served.stop();
  if (o.dump) {
    const files = await dumpStorage(modem.storage, o.dump);
    ctx.out.stdout(`qfh simulate: storage written to ${files.join(', ')}\n`);
  }
  const rss = Math.round(Math.max(peakRss, process.memoryUsage().rss) / 1048576);
  ctx.out.stdout(
    `qfh simulate: stopped (peak RSS ${rss} MiB, storage held ${modem.storage.allocatedBytes} bytes)\n`,
  );
  return ExitCode.OK;
}

/** Loads what the modem starts with (a dump, a package), then serves it. */
async function startServing(
  o: SimulateOptions,
  modem: SimulatedModem,
  c: { ctx: Pick<RunContext, 'out'>; say: (line: string) => void },
): Promise<{ where: string; stop: () => Promise<void> }> {
  if (o.load) c.say(`loaded ${await loadStorage(modem.storage, o.load)} bytes from ${o.load}`);
  if (o.preload) {
    const images = await preloadPackage(o.preload, { profile: o.profile, storage: modem.storage });
    c.say(`preloaded ${images} images from ${o.preload}`);
  }
  return serve(o, modem, { out: c.ctx.out, say: c.say });
}

const isLoopback = (host: string): boolean =>
  host === 'localhost' || host === '::1' || /^127\./.test(host);
