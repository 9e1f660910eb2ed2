import { appendFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { qfh, runCli } from '../helpers/cli.js';
import { usbInstalled } from '../helpers/usb-installed.js';
import { buildDemoPackage } from '../../src/sim/index.js';

const demo = async (): Promise<string> =>
  buildDemoPackage(await mkdtemp(join(tmpdir(), 'qfh-cli-')));

describe('qfh plan on the command line', () => {
  it('qfh plan --json prints schema qfh-plan/2 with every op, exit 0', async () => {
    const { code, stdout } = await qfh('plan', '--json', await demo());
    expect(code).toBe(0);
    const plan = JSON.parse(stdout) as {
      schema: string;
      storage: string;
      ops: { kind: string; bytes: number; attributes?: unknown }[];
      totalBytes: number;
      findings: unknown[];
    };
    expect(plan).toMatchObject({ schema: 'qfh-plan/2', storage: 'nand' });
    expect(plan).not.toHaveProperty('device');
    expect(plan.ops.map((o) => o.kind)).toEqual([
      ...Array<string>(11).fill('erase'),
      ...Array<string>(11).fill('program'),
      'reset',
    ]);
    expect(plan.totalBytes).toBe(plan.ops.reduce((n, o) => n + o.bytes, 0));
  });

  it('qfh plan on a damaged package exits 3 and names the problem and the flag', async () => {
    const root = await demo();
    await appendFile(join(root, 'update/tz.mbn'), 'x');
    const { code, stdout } = await qfh('plan', root);
    expect(code).toBe(3);
    expect(stdout).toMatch(
      /REFUSE PKG_MD5_MISMATCH: update\/tz\.mbn .*\(override: --allow-md5-mismatch\)/,
    );
    expect(stdout).toContain('qfh will NOT flash this package');
  });
});

describe('qfh flash / edl-recover on the command line, device in EDL (simulator)', () => {
  it('qfh flash --device sim:eg25g --yes flashes and reports (plain lines off a TTY)', async () => {
    const { code, stdout, stderr } = await qfh(
      'flash',
      await demo(),
      '--device',
      'sim:eg25g',
      '--yes',
    );
    expect(code).toBe(0);
    expect(stderr).toContain('Plan for');
    expect(stderr).toMatch(/qfh: program step 22\/23 sbl1\.mbn/);
    expect(stdout).toMatch(/Flashed .* onto sim eg25g 05c6:9008: 23\/23 steps/);
  });

  it('qfh flash --json writes one JSON object per line, ending with the report and the result', async () => {
    const { code, stdout } = await qfh(
      'flash',
      await demo(),
      '--device',
      'sim:eg25g',
      '--json',
      '--yes',
    );
    expect(code).toBe(0);
    const events = stdout
      .trim()
      .split('\n')
      .map(
        (l) => JSON.parse(l) as { schema: string; event: string; phase?: string; report?: unknown },
      );
    expect(events.every((e) => e.schema === 'qfh-events/1')).toBe(true);
    expect(events[0]).toMatchObject({ event: 'plan' });
    expect(events[1]).toMatchObject({ event: 'progress', phase: 'sahara' });
    expect(events.at(-2)).toMatchObject({
      event: 'report',
      report: { ok: true, state: 'flashed' },
    });
    expect(events.at(-1)).toMatchObject({
      event: 'result',
      command: 'flash',
      ok: true,
      exitCode: 0,
    });
  });

  it('qfh flash refuses a damaged package with exit 3 and sends nothing; qfh edl-recover --dry-run shows the plan', async () => {
    const root = await demo();
    await appendFile(join(root, 'update/tz.mbn'), 'x');
    const refused = await qfh('flash', root, '--device', 'sim:eg25g', '--yes');
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(
      /qfh: refused to flash .*nothing was written.*\[QFH_REFUSED\]\n.*--allow-md5-mismatch/s,
    );
    const dry = await qfh('edl-recover', await demo(), '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stderr).toContain('Dry run: nothing was sent to any device.');
  });

  it('asks before flashing on a TTY, and does nothing on "no"', async () => {
    let asked = '';
    const { code, stderr } = await runCli(['flash', await demo(), '--device', 'sim:eg25g'], {
      terminal: { canAsk: true, confirm: async (q) => ((asked = q), false) },
    });
    expect(code).toBe(5);
    expect(asked).toMatch(/^Flash 11 images \(31\.6 MB\) to sim:eg25g\? Do not unplug/);
    expect(stderr).toContain('not flashed: you answered no [QFH_DECLINED]');
  });

  it('qfh flash with no device in EDL exits 4 and says what it saw', async () => {
    const { code, stderr } = await qfh('flash', await demo(), '--yes', '--wait', '0');
    expect(code).toBe(4);
    // Without the optional usb package qfh cannot look on the bus, and says so.
    expect(stderr).toMatch(usbInstalled ? /no EDL device found; seen:/ : /no USB backend/);
  });
});

describe('qfh demo on the command line', () => {
  it('qfh demo runs with no arguments and checks the simulated NAND byte for byte', async () => {
    const { code, stdout } = await qfh('demo');
    expect(code).toBe(0);
    expect(stdout).toContain(
      'storage check: 11 of 11 images are on the simulated NAND byte for byte.',
    );
  });
});

describe('qfh flash on a modem in normal mode (simulator)', () => {
  it('shows current → target, switches it to EDL, flashes, and sees it come back', async () => {
    const record = join(await mkdtemp(join(tmpdir(), 'qfh-rec-')), 'record.json');
    const { code, stdout, stderr } = await qfh(
      'flash',
      await demo(),
      '--device',
      'sim:eg25g:normal',
      '--yes',
      '--record',
      record,
    );
    expect(code).toBe(0);
    expect(stderr).toMatch(
      /qfh: Quectel EG25-G: EG25GGBR07A08M2G_30\.006\.30\.006 → EG25GGBR07A08M2G_30\.006\.30\.006/,
    );
    expect(stderr).toMatch(/waiting for the modem in EDL/);
    expect(stdout).toMatch(/After the update:\nQuectel EG25-G: EG25GGBR07A08M2G_30\.006\.30\.006/);
    expect(stdout).toContain(`Before/after record: ${record}`);
  }, 90_000); // the simulated EG25-G boots in its real ≈30 s after the update

  it('refuses another variant before switching, naming each flag (exit 3)', async () => {
    const { code, stderr } = await qfh(
      'flash',
      await demo(),
      '--device',
      'sim:eg25g-gc:normal',
      '--yes',
    );
    expect(code).toBe(3);
    expect(stderr).toMatch(/EG25GGCR07A08M1G_30\.203\.30\.203 → EG25GGBR07A08M2G_30\.006\.30\.006/);
    expect(stderr).toMatch(/--force-variant --force-nand-size --allow-downgrade/);
    expect(stderr).not.toMatch(/waiting for the modem in EDL/);
  });
});

describe('qfh backup', () => {
  it('backs up the ranges a package would write, named after its images, as a package qfh plan accepts', async () => {
    const pkg = await demo();
    const dir = join(await mkdtemp(join(tmpdir(), 'qfh-bk-')), 'backup');
    const { code, stdout } = await qfh(
      'backup',
      dir,
      '--device',
      'sim:eg25g',
      '--from',
      pkg,
      '--json',
    );
    expect(code).toBe(0);
    const manifest = (
      JSON.parse(stdout) as { data: { format: string; partitions: { label: string }[] } }
    ).data;
    expect(manifest.format).toBe('qfh-backup');
    expect(manifest.partitions.map((p) => p.label)).toEqual(
      expect.arrayContaining(['sbl1', 'tz', 'mdm9607-boot', 'NON-HLOS', 'rpm']),
    );
    expect((await qfh('plan', dir)).code).toBe(0);
  });

  it('needs a programmer', async () => {
    const { code, stderr } = await qfh('backup', '/tmp/x', '--device', 'sim:eg25g');
    expect(code).toBe(2);
    expect(stderr).toMatch(/needs a programmer/);
  });
});
