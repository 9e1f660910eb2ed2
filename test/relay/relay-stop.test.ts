/**
 * `kill PID` of the relay script stops everything it started, under each shell a relay host
 * runs it with: busybox ash (OpenWrt) and dash (Debian's sh). A listener left behind keeps a
 * modem's port open on the LAN after the user thinks the relay is gone. Only the script's
 * own pid is signalled, as `kill` and init systems do, not its process group.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { ensureRelayTools } from '../helpers/relay-tools.js';

const SCRIPT = join(process.cwd(), 'relay/qfh-relay.sh');
const unavailable = await ensureRelayTools();
if (unavailable && process.env['CI'])
  throw new Error(`the relay stop test must run in CI, but ${unavailable}`);
if (unavailable) console.log(`relay stop test skipped: ${unavailable}`);

const made: string[] = [];
afterAll(() => Promise.all(made.map((d) => rm(d, { recursive: true, force: true }))));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The ports something listens on, read from the kernel's table: a probe connection would be
 * taken as a client by the relay's one-connection listeners, and restart them.
 */
async function listening(): Promise<Set<number>> {
  const table = await readFile('/proc/net/tcp', 'latin1');
  const ports = new Set<number>();
  for (const row of table.split('\n').slice(1)) {
    const [, local, , state] = row.trim().split(/\s+/);
    if (state === '0A' && local) ports.add(parseInt(local.split(':')[1] ?? '', 16));
  }
  return ports;
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A base port whose four ports are free now. */
async function freeBase(): Promise<number> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 40_000);
    const free = await Promise.all([0, 1, 2, 3].map((i) => bindable(base + i)));
    if (free.every(Boolean)) return base;
  }
}

/** Pids of processes whose environment holds `marker`: the relay and all it started. */
async function processesMarked(marker: string): Promise<number[]> {
  const pids: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const environ = await readFile(`/proc/${name}/environ`, 'latin1').catch(() => '');
    if (environ.split('\0').includes(marker)) pids.push(Number(name));
  }
  return pids;
}

const STOPS = {
  'SIGTERM to the script': undefined,
  'five seconds with no connection (QFH_RELAY_IDLE=5)': '5',
} as const;

for (const shell of [['dash'], ['busybox', 'sh']])
  for (const [stop, idle] of Object.entries(STOPS))
    it.skipIf(unavailable)(
      `under ${shell.join(' ')}: ${stop} leaves no listener and no process`,
      async () => {
        const work = await mkdtemp(join(tmpdir(), 'qfh-relay-stop-'));
        made.push(work);
        const sys = join(work, 'sys');
        await mkdir(join(sys, 'bus/usb/devices'), { recursive: true });
        await mkdir(join(sys, 'class/net'), { recursive: true });
        const run = join(work, 'run');
        const base = await freeBase();
        const relay = spawn(shell[0] ?? '', [...shell.slice(1), SCRIPT], {
          env: {
            PATH: process.env['PATH'],
            QFH_RELAY_SYS: sys,
            QFH_RELAY_RUN: run,
            QFH_RELAY_LISTEN: '127.0.0.1',
            QFH_RELAY_BASE: String(base),
            ...(idle === undefined ? {} : { QFH_RELAY_IDLE: idle }),
          },
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let log = '';
        relay.stderr.on('data', (d: Buffer) => (log += d.toString()));
        const marker = `QFH_RELAY_RUN=${run}`;
        try {
          for (let i = 0; i < 100 && !log.includes('serving'); i++) await sleep(50);
          expect(log).toContain('serving');
          const ports = [0, 1, 2, 3].map((i) => base + i);
          const open = async () => {
            const now = await listening();
            return ports.map((p) => now.has(p));
          };
          for (let i = 0; i < 40 && !(await open()).every(Boolean); i++) await sleep(50);
          expect(await open()).toEqual([true, true, true, true]);

          const exited = new Promise((resolve) => relay.once('exit', resolve));
          if (idle === undefined) process.kill(relay.pid ?? 0, 'SIGTERM');
          else {
            await Promise.race([exited, sleep(15_000)]);
            expect(log).toContain(`no connection for ${idle} s: stopping`);
          }
          // A loop that outlived the relay restarts its listener within its 1 s pause: wait past it.
          await sleep(2500);
          expect({ listening: await open(), left: (await processesMarked(marker)).length }).toEqual(
            {
              listening: [false, false, false, false],
              left: 0,
            },
          );
        } finally {
          for (const pid of await processesMarked(marker)) process.kill(pid, 'SIGKILL');
        }
      },
      30_000,
    );
