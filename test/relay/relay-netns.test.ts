/**
 * Relay mode for real: a "router" network namespace runs relay/qfh-relay.sh under busybox sh
 * with socat (PATH: busybox applets and socat only), its ttys being ptys wired to a
 * simulated EG25-G in normal mode (AT, DIAG and EDL separate ttys, renamed at every
 * re-enumeration); a "PC" namespace runs the built qfh on a Quectel-shaped zip with
 * --relay. In CI (CI=true) this must run; elsewhere, without root or namespaces, it skips.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildDemoPackage } from '../../src/sim/demo-package.js';
import { SimulatedModem } from '../../src/sim/modem.js';
import { BIN } from '../helpers/cli.js';
import { ModemPorts } from '../helpers/modem-ports.js';
import { makeTestNetwork, NET, pcConnect, type TestNetwork } from '../helpers/netns.js';
import { canMakeNamespaces, ensureRelayTools, routerPath } from '../helpers/relay-tools.js';
import { zipFolder } from '../helpers/zip.js';

const SCRIPT = join(process.cwd(), 'relay/qfh-relay.sh');
const NAME = 'EG25GGBR07A08M2G_30.006.30.006';
const unavailable = (await canMakeNamespaces()) ?? (await ensureRelayTools());
if (unavailable && process.env['CI'])
  throw new Error(`the relay namespace test must run in CI, but ${unavailable}`);
if (unavailable) console.log(`relay namespace test skipped: ${unavailable}`);

let work: string;
let folder: string;
let zip: string;
let bin: string;
let net: TestNetwork;

beforeAll(async () => {
  if (unavailable) return;
  work = await mkdtemp(join(tmpdir(), 'qfh-netns-'));
  folder = await buildDemoPackage(join(work, 'src'), NAME);
  zip = join(work, `${NAME}.zip`);
  await zipFolder(folder, zip, { prefix: `${NAME}/${NAME}/` });
  bin = await routerPath();
  net = await makeTestNetwork();
}, 180_000);
afterAll(async () => {
  net?.close();
  if (work) await rm(work, { recursive: true, force: true });
  if (bin) await rm(bin, { recursive: true, force: true });
});

/** A router: the modem's ports and the relay script serving them on `listen`. */
async function router(modem: SimulatedModem, name: string, listen: string = NET.routerLan) {
  const ports = new ModemPorts(modem, join(work, name));
  await ports.start();
  await ports.markModemNet('wwan0');
  const run = join(work, `${name}-run`);
  const relay: ChildProcess = spawn(
    net.inRouter[0] ?? '',
    [...net.inRouter.slice(1), join(bin, 'busybox'), 'sh', SCRIPT],
    {
      env: {
        PATH: bin,
        QFH_RELAY_SYS: ports.sys,
        QFH_RELAY_DEV: ports.dev,
        QFH_RELAY_RUN: run,
        QFH_RELAY_LISTEN: listen,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    },
  );
  let log = '';
  relay.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<void>((resolve) => relay.once('exit', () => resolve()));
  for (let i = 0; i < 100 && !log.includes('--relay '); i++)
    await new Promise((r) => setTimeout(r, 50));
  // The relay's first line ends with the argument the PC is to give.
  const argument = /--relay (\S+)/.exec(log)?.[1] ?? '';
  const token = argument.split('@')[0] ?? '';
  return {
    ports,
    run,
    token,
    /** `--relay TOKEN@HOST` for the router's `host` address. */
    relayTo: (host: string) => `${token}@${host}`,
    log: () => log,
    exited,
    stop: async () => {
      // A relay whose session ended has stopped already.
      if (relay.pid && relay.exitCode === null) process.kill(-relay.pid, 'SIGTERM');
      await ports.stop();
    },
  };
}

/** The built qfh in the PC's namespace. */
function pcQfh(args: string[]): {
  child: ChildProcess;
  done: Promise<{ code: number; out: string }>;
} {
  const child = spawn(net.inPc[0] ?? '', [...net.inPc.slice(1), process.execPath, BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const done = new Promise<{ code: number; out: string }>((resolve) =>
    child.once('exit', (code) => resolve({ code: code ?? -1, out })),
  );
  return { child, done };
}

/** Programmed ranges hold their images (the MIBIB, patched on the host, aside). */
async function imagesOnStorage(modem: SimulatedModem): Promise<number> {
  const xml = await readFile(
    join(folder, 'update/firehose/rawprogram_nand_p2K_b128K_update.xml'),
    'utf8',
  );
  let matched = 0;
  for (const m of xml.matchAll(
    /filename="\.\.\\([^"]+)" num_partition_sectors="(\d+)" physical_partition_number="0" start_sector="(\d+)"/g,
  )) {
    const image = await readFile(join(folder, 'update', m[1] ?? ''));
    const held = modem.storage.export(0, Number(m[3]), Math.ceil(image.length / 2048));
    if (Buffer.from(held.subarray(0, image.length)).equals(image)) matched++;
  }
  return matched;
}

/** A test of this file: skipped, with the one line above, where namespaces cannot be made. */
const relayIt = it.skipIf(unavailable !== undefined);

relayIt(
  'refuses a route over the modem own connection, before anything reaches the modem',
  async () => {
    const modem = new SimulatedModem({ state: 'normal' });
    const r = await router(modem, 'refuse', '0.0.0.0');
    try {
      const { done } = pcQfh([
        'flash',
        zip,
        '--relay',
        r.relayTo(NET.routerCell),
        '--yes',
        '--record',
        join(work, 'no.json'),
      ]);
      const { code, out } = await done;
      expect(out).toMatch(/over wwan0, the modem's own connection/);
      expect(code).toBe(3);
      expect(modem.state).toBe('normal');
      expect(modem.saharaBoots).toEqual([]);
    } finally {
      await r.stop();
    }
  },
  60_000,
);

relayIt(
  'identifies, switches, flashes and verifies the modem over the relay',
  async () => {
    const modem = new SimulatedModem({ state: 'normal' });
    const r = await router(modem, 'flash');
    const seen = new Set<string>();
    const watch = setInterval(() => Object.values(r.ports.nodes).forEach((n) => seen.add(n)), 20);
    try {
      const record = join(work, 'record.json');
      const { code, out } = await pcQfh([
        'flash',
        zip,
        '--relay',
        r.relayTo(NET.routerLan),
        '--yes',
        '--record',
        record,
      ]).done;
      expect(out).toMatch(
        /relay 10\.216\.16\.1: the modem is in normal mode \(AT ttyUSB2, DIAG ttyUSB0\)/,
      );
      expect(code, out).toBe(0);
      expect(modem.state).toBe('normal');
      expect(seen.has('ttyUSB4')).toBe(true); // EDL came up under a new name
      const saved = JSON.parse(await readFile(record, 'utf8')) as {
        after?: { identity?: unknown };
      };
      expect(saved.after?.identity).toBeDefined();
      expect(await imagesOnStorage(modem)).toBe(10);
      // One session: once the modem is flashed, the relay stops and nothing listens.
      expect(out).toContain(`the relay at ${NET.routerLan} has stopped`);
      await r.exited;
      expect(await pcConnect(net, NET.routerLan, 9011, '')).toMatchObject({ refused: true });
    } finally {
      clearInterval(watch);
      await r.stop();
    }
  },
  120_000,
);

relayIt(
  'survives the relay dropping the EDL connection mid-flash: clear error, then edl-recover completes',
  async () => {
    const modem = new SimulatedModem({
      state: 'normal',
      timing: { dataTimeScale: 1, overrides: { usbBytesPerSecond: 3e6 } },
    });
    const r = await router(modem, 'drop');
    try {
      const flashing = pcQfh([
        'flash',
        zip,
        '--relay',
        r.relayTo(NET.routerLan),
        '--yes',
        '--record',
        join(work, 'drop.json'),
      ]);
      for (let i = 0; i < 600; i++) {
        const programs = modem.firehoseRuns
          .flatMap((f) => f.commands)
          .filter((c) => c.tag === 'program');
        if (programs.length >= 4) break;
        await new Promise((res) => setTimeout(res, 25));
      }
      const pid = Number(await readFile(join(r.run, 'edl.pid'), 'utf8'));
      process.kill(pid, 'SIGTERM'); // the relay's EDL connection, and only it
      const failed = await flashing.done;
      expect(failed.code).toBe(1);
      expect(failed.out).toMatch(/partly written/);
      expect(failed.out).toMatch(/edl-recover/);
      // What the advice says: power-cycle, then edl-recover (the modem comes back in EDL).
      modem.powerOff();
      modem.powerOn('edl');
      await r.ports.settled();
      // Followed literally: the advice must reach the modem the way the flash did, by the relay.
      const advised = /then run: qfh (\S.*)$/m.exec(failed.out)?.[1] ?? '';
      expect(advised).toBe(`edl-recover ${zip} --relay ${r.relayTo(NET.routerLan)}`);
      const recovered = await pcQfh([...advised.split(' '), '--yes']).done;
      expect(recovered.out).toMatch(/the modem is in EDL \(ttyUSB\d+\)/);
      expect(recovered.code, recovered.out).toBe(0);
      expect(await imagesOnStorage(modem)).toBe(10);
    } finally {
      await r.stop();
    }
  },
  180_000,
);

relayIt(
  'strangers get nothing: no token, no status; a silent client is dropped; only the first address is served',
  async () => {
    const modem = new SimulatedModem({ state: 'normal' });
    const r = await router(modem, 'strangers', '0.0.0.0');
    try {
      expect(r.log()).toMatch(/^qfh-relay: one session for one PC, with a one-time token/);
      expect(r.token).toMatch(/^[0-9a-f]{20}$/);
      // Quectel's DIAG switch to EDL, without the token: it must not reach the modem.
      const diag = Buffer.from([0x4b, 0x65, 0x01, 0x00, 0x54, 0x0f, 0x7e]).toString('latin1');
      const switched = await pcConnect(net, NET.routerLan, 9009, `${diag}\n${diag}`);
      expect(switched).toMatchObject({ closed: true, got: '' });
      const noise = await pcConnect(net, NET.routerLan, 9010, 'AT+QPOWD=1\r\n'.repeat(200));
      expect(noise).toMatchObject({ closed: true, got: '' });
      // The status port says nothing (no interface names) without the token.
      expect(await pcConnect(net, NET.routerLan, 9011, 'status\n')).toMatchObject({ got: '' });
      // A client that connects and sends nothing is dropped, not left holding the port.
      const silent = await pcConnect(net, NET.routerLan, 9010, '');
      expect(silent.closed).toBe(true);
      expect(silent.ms).toBeLessThan(14_000);
      expect(modem.state).toBe('normal');
      expect(modem.saharaBoots).toEqual([]);
      // The owner's address is pinned by its first token; the same token from the PC's other
      // address (its cell side, another router interface) gets nothing.
      const owner = await pcConnect(net, NET.routerLan, 9011, `${r.token}\nstatus\n`);
      expect(owner.got).toMatch(/^qfh-relay 2 state=normal/);
      const other = await pcConnect(net, NET.routerCell, 9011, `${r.token}\nstatus\n`);
      expect(other).toMatchObject({ closed: true, got: '' });
    } finally {
      await r.stop();
    }
  },
  90_000,
);
