/**
 * `qfh simulate --state normal`, then `qfh flash PKG --device tcp://…`: the connection carries
 * the modem's AT port, so qfh reads the identity there, switches it to EDL and flashes it on
 * the connection the server carries once the modem is back in EDL, then checks it after its
 * boot, as from a modem on the USB bus. Before, qfh spoke Sahara to the AT port
 * (QFH_SAHARA_NO_HELLO). An EDL modem on the same kind of server is still flashed at once.
 */
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildDemoPackage, serveModem, SimulatedModem } from '../../src/sim/index.js';
import { runCli } from '../helpers/cli.js';
import { demoMismatches } from '../helpers/demo-expected.js';

let work = '';
let root = '';
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'qfh-served-'));
  root = await buildDemoPackage(work);
});
afterAll(() => rm(work, { recursive: true, force: true }));

async function flashServed(modem: SimulatedModem, records: string) {
  const server = await serveModem(modem, '127.0.0.1', 0);
  try {
    const device = `tcp://127.0.0.1:${server.port}`;
    return await runCli(['flash', root, '--device', device, '--yes', '--record', records]);
  } finally {
    await server.close();
  }
}

it('a modem in normal mode behind qfh simulate: identified over AT, switched, flashed, checked after', async () => {
  const modem = new SimulatedModem({ profile: 'eg25g', state: 'normal' });
  const records = join(work, 'records');
  await mkdir(records);
  const { code, stderr } = await flashServed(modem, records);
  expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
  expect(stderr).toContain('an AT port (the modem is in normal mode)');
  expect(stderr).toContain('Quectel EG25-G: EG25GGBR07A08M2G_30.006.30.006');
  expect(await demoMismatches(modem, root)).toEqual([]);
  // The record holds the after-check: the modem was reached again once it had booted.
  expect((await readdir(records)).filter((n) => n.startsWith('qfh-update-'))).toHaveLength(1);
  expect(modem.state).toBe('normal');
}, 180_000);

it('a modem in EDL behind the same server is flashed without an AT probe', async () => {
  const modem = new SimulatedModem({ profile: 'eg25g', state: 'edl' });
  const { code, stderr } = await flashServed(modem, join(work, 'records-edl'));
  expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
  expect(stderr).not.toContain('an AT port');
  expect(await demoMismatches(modem, root)).toEqual([]);
}, 120_000);

it('a modem slower to reach EDL than the HELLO wait: nothing is sent before its PBL speaks', async () => {
  // eg25g's switch takes 3 s, the HELLO wait is 3 s: under load the race went either way. A
  // RESET_STATE_MACHINE queued on a connection not yet attached made the PBL say HELLO twice
  // (QFH_SAHARA_UNEXPECTED "unexpected hello during the programmer upload").
  const modem = new SimulatedModem({
    profile: 'eg25g',
    state: 'normal',
    timing: { overrides: { switchToEdlMs: 5000 } },
  });
  const records = join(work, 'records-slow');
  await mkdir(records);
  const { code, stderr } = await flashServed(modem, records);
  expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
  expect(await demoMismatches(modem, root)).toEqual([]);
}, 180_000);

it('--timeout reaches the probe: a silent server hears from qfh after the HELLO wait the user set', async () => {
  // The probe listens for the PBL's HELLO first, then speaks (a reset, or AT): when qfh
  // first speaks on each connection tells which HELLO wait it used (the table's is 3000 ms).
  const firstWords: number[] = [];
  const server = createServer((socket) => {
    const connected = Date.now();
    socket.once('data', () => firstWords.push(Date.now() - connected));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  try {
    const device = `tcp://127.0.0.1:${port}`;
    const waits = ['--timeout', 'saharaHello=300', '--timeout', 'atAnswer=400'];
    const r = await runCli(['flash', root, '--device', device, '--yes', ...waits]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('nothing was written');
    expect(firstWords.length).toBeGreaterThan(0);
    expect(firstWords[0]).toBeGreaterThanOrEqual(290);
    expect(firstWords[0]).toBeLessThan(2000);
  } finally {
    server.close();
  }
});
