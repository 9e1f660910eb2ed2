/**
 * A folder holding two packages is refused as such (no flag turns that off), and a folder
 * holding one package a level down (`unzip -d fw FW.zip`) is read as that package, so its
 * name, the firmware's identity, is checked against the modem as it is for the zip itself.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { packageRootsIn } from '../../src/package/index.js';
import { buildDemoPackage } from '../../src/sim/index.js';
import { qfh } from '../helpers/cli.js';

describe('packageRootsIn', () => {
  it.each([
    [
      'one Quectel package',
      ['md5.txt', 'update/firehose/rawprogram_nand.xml', 'update/a.mbn'],
      [''],
    ],
    ['one a level down', ['P/md5.txt', 'P/update/firehose/rawprogram_nand.xml'], ['P/']],
    [
      'two side by side',
      ['A/md5.txt', 'A/update/x.xml', 'B/md5.txt', 'B/update/firehose/rawprogram0.xml'],
      ['A/', 'B/'],
    ],
    ['Android, no md5.txt', ['rawprogram0.xml', 'patch0.xml', 'prog_firehose_ddr.elf'], ['']],
    [
      'Quectel, no md5.txt',
      ['update/firehose/rawprogram_nand_p4K_b256K_update.xml', 'update/a.ubi'],
      [''],
    ],
    [
      'Quectel, no md5.txt, a level down',
      ['P/update/firehose/rawprogram_nand.xml', 'P/update/a.ubi'],
      ['P/'],
    ],
    [
      'a package holding a folder with its own md5.txt',
      ['md5.txt', 'update/md5.txt', 'update/firehose/rawprogram0.xml'],
      [''],
    ],
    [
      'macOS junk is not a package',
      ['._md5.txt', 'P/md5.txt', 'P/update/firehose/rawprogram0.xml'],
      ['P/'],
    ],
  ])('%s', (_n, paths, roots) => {
    expect(packageRootsIn(paths)).toEqual(roots);
  });
});

describe('folders that are not one package at their top', () => {
  let two: string;
  let fw: string;
  const A = 'EG25GGBR07A08M2G_30.006.30.006';
  beforeAll(async () => {
    two = await mkdtemp(join(tmpdir(), 'qfh-two-'));
    await buildDemoPackage(two, A, { scale: 1 / 64 });
    await buildDemoPackage(two, 'EG25GGBR07A08M2G_30.007.30.007', { scale: 1 / 64 });
    fw = await mkdtemp(join(tmpdir(), 'qfh-unzip-d-'));
    await buildDemoPackage(fw, A, { scale: 1 / 64 });
  });

  it('two packages: refused, whatever risks are accepted, naming both and the folder to give', async () => {
    const r = await qfh('plan', two, '--allow-unlisted-image', '--allow-md5-mismatch', '--json');
    expect(r.code).toBe(3);
    const plan = JSON.parse(r.stdout) as {
      findings: { level: string; code: string; message: string; flag?: string }[];
    };
    // The md5 refusals were accepted by their flags; this one has no flag to accept it.
    const refusals = plan.findings.filter((f) => f.level === 'refuse' && f.flag === undefined);
    expect(refusals.map((f) => f.code)).toEqual(['PKG_SEVERAL_PACKAGES']);
    expect(refusals[0]?.message).toContain(
      '2 firmware packages (EG25GGBR07A08M2G_30.006.30.006, EG25GGBR07A08M2G_30.007.30.007)',
    );
    expect(refusals[0]?.message).toContain(`run the command on one of them (${join(two, A)})`);
  });

  it('two packages: flash sends nothing to the modem', async () => {
    const r = await qfh('flash', two, '--device', 'sim:eg25g', '--yes');
    expect(r.code).toBe(3);
    expect(r.stdout + r.stderr).toContain('PKG_SEVERAL_PACKAGES');
    expect(r.stdout + r.stderr).not.toMatch(/sahara/i);
  });

  it('one package a level down: the same plan as the package itself, and its identity is checked', async () => {
    const revision = ['--modem-revision', 'EG25GGBR07A08M2G'];
    const outer = await qfh('plan', fw, ...revision, '--json');
    const inner = await qfh('plan', join(fw, A), ...revision, '--json');
    expect(outer.code).toBe(0);
    const parse = (t: string) =>
      JSON.parse(t) as { package: string; ops: unknown[]; findings: unknown[] };
    expect(parse(outer.stdout)).toEqual(parse(inner.stdout));
    expect(outer.stdout).not.toContain('PLAN_PACKAGE_IDENTITY_UNKNOWN');
    // Another variant's modem is refused, as it is for the package itself.
    const other = await qfh('plan', fw, '--modem-revision', 'EG25GLGDR07A07M2G');
    expect(other.code).toBe(3);
  });

  it('a folder holding a package and anything else is read as given, not silently replaced', async () => {
    const mixed = await mkdtemp(join(tmpdir(), 'qfh-mixed-'));
    await buildDemoPackage(mixed, A, { scale: 1 / 64 });
    await writeFile(join(mixed, 'notes.txt'), 'mine');
    const r = await qfh('plan', mixed, '--json');
    expect((JSON.parse(r.stdout) as { package: string }).package).toBe(mixed);
  });
});
