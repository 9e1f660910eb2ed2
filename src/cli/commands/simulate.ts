/**
 * `qfh simulate`: runs a simulated modem behind a TCP port until SIGINT/SIGTERM, so qfh
 * (or any tool speaking Sahara/Firehose over a byte stream) can flash it from another
 * process. Optionally dumps the storage on exit.
 *
 * @module
 */
import { UsageError } from '../errors.js';
import { dumpStorage } from '../sim/dump-storage.js';
import { PROFILES, SimulatedModem } from '../sim/index.js';
import { serveModem } from '../sim/tcp-server.js';
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
  const { host, port } = parseListen(o.listen);
  const modem = new SimulatedModem({
    profile: o.profile,
    state: o.state,
    timeScale: o.realTime ? 1 : 0,
  });
  const server = await serveModem(modem, host, port);
  const where = `tcp://${server.host.includes(':') ? `[${server.host}]` : server.host}:${server.port}`;
  out.stdout(
    `qfh simulate: ${modem.profile.module} (${o.profile}) in ${o.state === 'edl' ? 'EDL (05c6:9008)' : 'normal mode'}, listening on ${where}\n`,
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
  await server.close();
  if (o.dump) {
    const files = await dumpStorage(modem.storage, o.dump);
    out.stdout(`qfh simulate: storage written to ${files.join(', ')}\n`);
  }
  out.stdout(
    `qfh simulate: stopped (peak RSS ${Math.round(Math.max(peakRss, process.memoryUsage().rss) / 1048576)} MiB, storage held ${modem.storage.allocatedBytes} bytes)\n`,
  );
  return ExitCode.OK;
}
