/**
 * The whole flash, run by the core bundled for a browser page: in a `vm` context with a
 * page's globals and nothing of Node's, `qfhCore.flash()` reads the demo package from the
 * bytes it was handed, uploads its programmer through Sahara, plans against the device's
 * facts and writes and verifies every image, hashing with the portable SHA-256. The modem is
 * the simulator, running outside the page; its link is bridged in as a page's transport
 * would be (bytes copied into the page's own arrays, failures turned into the core's own
 * errors). The simulated NAND is then compared, image by image, with the package's files on
 * disk. On a programmer with getsha256digest, the page's digests must equal the modem's, and
 * a second flash with `skipUnchanged` must find every image already there.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';
import { beforeAll, expect, it } from 'vitest';
import { buildDemoPackage, profile, SimulatedModem } from '../../src/sim/index.js';
import type { Transport } from '../../src/transport/transport.js';
import { bundleCore, filesOf, pageWith } from '../helpers/core-page.js';

/** What the page reports of each flash. */
interface PageFlash {
  ok: boolean;
  state: string;
  phases: string[];
  verified: (string | null)[];
  skipped: number;
  compared: number | undefined;
  programs: { lun: number; start: number; sectors: number; sectorSize: number; file: string }[];
}

const PAGE_FLASH = `(async () => {
  const pageError = (e) => {
    const code = e && e.code;
    if (code === 'QFH_TRANSPORT_TIMEOUT') return new qfhCore.TransportTimeoutError(e.message);
    if (typeof code === 'string' && code.startsWith('QFH_TRANSPORT_'))
      return new qfhCore.TransportClosedError(e.message, {
        disconnected: code === 'QFH_TRANSPORT_DISCONNECTED',
      });
    return new Error(String(e && e.message));
  };
  // What a page's WebUSB transport is: the core's Transport, over a medium it owns.
  const link = {
    description: host.description,
    byteStream: host.byteStream,
    read: (n, o) => host.read(n, o).then((b) => Uint8Array.from(b), (e) => { throw pageError(e); }),
    write: (d, o) => host.write(hostBytes(d), o).catch((e) => { throw pageError(e); }),
    close: () => host.close(),
  };
  const pkg = await qfhCore.readPackageSource(qfhCore.memorySource(name, files));
  const phases = new Set();
  let plan;
  const report = await qfhCore.flash(pkg, link, {
    skipUnchanged,
    onProgress: (p) => phases.add(p.phase),
    onPlan: (p) => (plan = p),
  });
  return JSON.stringify({
    ok: report.ok,
    state: report.state,
    phases: [...phases],
    verified: report.ops.filter((o) => o.kind === 'program').map((o) => o.verified ?? null),
    skipped: report.ops.filter((o) => o.skipped).length,
    compared: report.skipUnchanged && report.skipUnchanged.compared,
    programs: plan.ops
      .filter((o) => o.kind === 'program')
      .map((o) => ({ lun: o.target.lun, start: o.target.startSector, sectors: o.target.sectors,
        sectorSize: o.target.sectorSize, file: o.file })),
  });
})()`;

async function flashInPage(
  page: vm.Context,
  host: Transport,
  skipUnchanged: boolean,
): Promise<PageFlash> {
  page['host'] = host;
  page['skipUnchanged'] = skipUnchanged;
  return JSON.parse((await vm.runInContext(PAGE_FLASH, page)) as string) as PageFlash;
}

let page: vm.Context;
let root = '';

beforeAll(async () => {
  page = pageWith(await bundleCore());
  const dir = await mkdtemp(join(tmpdir(), 'qfh-page-flash-'));
  root = await buildDemoPackage(dir);
  page['name'] = root.split('/').pop();
  page['files'] = await filesOf(root);
  // Bytes the page writes, as the host realm's own array (the simulator's side of the cable).
  page['hostBytes'] = (d: Uint8Array) => new Uint8Array(d);
  return () => rm(dir, { recursive: true, force: true });
}, 60_000);

/** Each programmed range of the modem holds its image from disk, zero-padded. */
async function expectImagesOn(modem: SimulatedModem, f: PageFlash): Promise<void> {
  expect(f.programs.length).toBeGreaterThan(5);
  for (const p of f.programs) {
    const expected = new Uint8Array(p.sectors * p.sectorSize);
    expected.set(await readFile(join(root, p.file)));
    const held = modem.storage.export(p.lun, p.start, p.sectors);
    expect({ file: p.file, same: Buffer.from(held).equals(Buffer.from(expected)) }).toEqual({
      file: p.file,
      same: true,
    });
  }
}

it('flashes the demo package onto the simulated EG25-G from a page, read back and hashed there', async () => {
  const modem = new SimulatedModem({ profile: 'eg25g' });
  const f = await flashInPage(page, modem.connect(), false);
  expect(f).toMatchObject({ ok: true, state: 'flashed', skipped: 0 });
  expect(f.phases).toEqual(expect.arrayContaining(['sahara', 'erase', 'program', 'verify']));
  // The EG25-G's programmer has no getsha256digest: every image was read back into the page.
  expect(new Set(f.verified)).toEqual(new Set(['read-back']));
  await expectImagesOn(modem, f);
}, 120_000);

it("from a page, each image's digest equals the programmer's, and a second flash skips them all", async () => {
  // An EG25-G whose programmer also answers getsha256digest, as the SDX ones do: its digest
  // is the simulator's (node:crypto), the page's is the portable one.
  const eg25g = profile('eg25g');
  const withDigest = {
    ...eg25g,
    firehose: { ...eg25g.firehose, functions: [...eg25g.firehose.functions, 'getsha256digest'] },
  };
  const modem = new SimulatedModem({ profile: withDigest, holdEdl: true });
  const first = await flashInPage(page, modem.connect(), false);
  expect(first).toMatchObject({ ok: true, state: 'flashed', skipped: 0 });
  expect(new Set(first.verified)).toEqual(new Set(['sha256']));
  await expectImagesOn(modem, first);

  await modem.waitForEnumeration();
  const again = await flashInPage(page, modem.connect(), true);
  expect(again).toMatchObject({ ok: true, state: 'flashed' });
  expect(again.compared).toBeGreaterThan(0);
  expect(again.skipped).toBeGreaterThanOrEqual(first.programs.length);
  const run = modem.firehoseRuns.at(-1);
  expect((run?.commands ?? []).filter((c) => ['program', 'erase'].includes(c.tag))).toEqual([]);
}, 120_000);
