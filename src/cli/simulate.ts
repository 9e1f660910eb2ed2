/**
 * `qfh simulate`: runs a simulated modem behind a TCP port until SIGINT/SIGTERM, so qfh
 * (or any tool speaking Sahara/Firehose over a byte stream) can flash it from another
 * process; or, with `--functionfs DIR`, as a USB gadget (05c6:9008) that any USB host on
 * this machine's UDC reaches through the kernel. Optionally dumps the storage on exit.
 *
 * @module
 */
import { UsageError } from '../errors.js';
import { dumpStorage } from '../sim/dump-storage.js';
import { PROFILES, SimulatedModem } from '../sim/index.js';
import { serveModem } from '../sim/tcp-server.js';
import { serveFunctionFs } from '../sim/functionfs-gadget.js';
import { ExitCode } from './exit-codes.js';
import type { CliOutput } from './output.js';

/** Options of `qfh simulate`. */
export interface SimulateOptions {
  profile: string;
  listen: string;
  state: 'edl' | 'normal';
  dump: string | undefined;
  /** Wait the profile's real delays instead of none. */
  realTime: boolean;
  /** Serve as a USB gadget with its FunctionFS mounted here, instead of over TCP. */
  functionfs?: string | undefined;
  /** The UDC the gadget binds to (default: the first in /sys/class/udc). */
  udc?: string | undefined;
}

/** Starts the front the options name; resolves to where it is and how to stop it. */
async function serve(
  o: SimulateOptions,
  modem: SimulatedModem,
  out: CliOutput,
): Promise<{ where: string; stop: () => Promise<void> }> {
  if (o.functionfs) {
    const gadget = await serveFunctionFs(modem, {
      mountPoint: o.functionfs,
      ...(o.udc ? { udc: o.udc } : {}),
      onEvent: (m) => out.stderr(`qfh simulate: usb: ${m}\n`),
    });
    return {
      where: `USB gadget ${gadget.gadget.path} on ${gadget.udc} (FunctionFS at ${o.functionfs})`,
      stop: async () => {
        await gadget.close();
        const c = gadget.counters;
        out.stdout(
          `qfh simulate: usb transfers from host ${c.transfersFromHost} (+${c.zlpsFromHost} ZLPs), to host ${c.transfersToHost} (${c.zlpsToHost} ended by a ZLP)\n`,
        );
      },
    };
  }
  const { host, port } = parseListen(o.listen);
  const server = await serveModem(modem, host, port);
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

/** Runs until a signal arrives (or `stop` resolves, for tests). */
export async function runSimulate(
  o: SimulateOptions,
  out: CliOutput,
  stop?: Promise<void>,
): Promise<number> {
  if (!PROFILES.has(o.profile))
    throw new UsageError(
      'QFH_USAGE',
      `unknown profile "${o.profile}"; known: ${[...PROFILES.keys()].join(', ')}`,
    );
  const modem = new SimulatedModem({
    profile: o.profile,
    state: o.state,
    timeScale: o.realTime ? 1 : 0,
  });
  if (o.functionfs && o.state !== 'edl')
    throw new UsageError('QFH_USAGE', '--functionfs serves the modem in EDL only (--state edl)');
  const { where, stop: stopServing } = await serve(o, modem, out);
  out.stdout(
    `qfh simulate: ${modem.profile.module} (${o.profile}) in ${o.state === 'edl' ? 'EDL (05c6:9008)' : 'normal mode'}, ${o.functionfs ? 'as' : 'listening on'} ${where}\n`,
  );
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200);
  await new Promise<void>((resolve) => {
    const done = (): void => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
    void stop?.then(done);
  });
  clearInterval(sampler);
  await stopServing();
  if (o.dump) {
    const files = await dumpStorage(modem.storage, o.dump);
    out.stdout(`qfh simulate: storage written to ${files.join(', ')}\n`);
  }
  out.stdout(
    `qfh simulate: stopped (peak RSS ${Math.round(Math.max(peakRss, process.memoryUsage().rss) / 1048576)} MiB, storage held ${modem.storage.allocatedBytes} bytes)\n`,
  );
  return ExitCode.OK;
}
