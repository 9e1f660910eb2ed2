import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { qfh } from '../helpers/cli.js';
import { writeDeltaZip } from '../helpers/zip.js';

describe('qfh verify and qfh fota on the command line (simulator in normal mode)', () => {
  it('qfh verify --json reports identity, registration and signal', async () => {
    const { code, stdout } = await qfh('verify', '--device', 'sim:rm500q:normal', '--json');
    expect(code).toBe(0);
    const { check } = (
      JSON.parse(stdout) as { data: { check: { identity: { model: string }; creg: string } } }
    ).data;
    expect(check.identity.model).toBe('RM500Q-GL');
    expect(check.creg).toBeDefined();
  });

  it('qfh fota uploads, applies, and prints identity before and after with progress', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'qfh-fota-')), 'delta.zip');
    await writeDeltaZip(file);
    const size = (await readFile(file)).length;
    // A progress event per acknowledged KiB, and one at the end.
    const marks = [...Array.from({ length: Math.floor(size / 1024) }, (_, i) => (i + 1) * 1024)];
    if (size % 1024 !== 0) marks.push(size);
    const { code, stdout, stderr } = await qfh(
      'fota',
      file,
      '--device',
      'sim:eg25g:normal',
      '--json',
    );
    expect(code).toBe(0);
    const events = stdout
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            event: string;
            phase?: string;
            bytesDone?: number;
            ok?: boolean;
            data?: { before?: { revision: string } };
          },
      );
    expect(events.filter((e) => e.phase === 'upload').map((e) => e.bytesDone)).toEqual(marks);
    expect(events.some((e) => e.phase === 'updating')).toBe(true);
    expect(events.at(-1)).toMatchObject({
      event: 'result',
      ok: true,
      data: { before: { revision: 'EG25GGBR07A08M2G' } },
    });
    expect(stderr).toContain(`uploading delta.zip (${size} bytes)`);
  });

  it('qfh fota --device usb means the modem on USB, through its AT port (none here: no device)', async () => {
    // Before, usb was refused here as "the EDL device"; it names the modem, as in qfh flash.
    const delta = join(await mkdtemp(join(tmpdir(), 'qfh-fota-usb-')), 'delta.zip');
    await writeDeltaZip(delta);
    const { code, stderr } = await qfh('fota', delta, '--device', 'usb');
    expect(code).toBe(4);
    expect(stderr).toMatch(/no Quectel modem in normal mode on USB \[QFH_NO_DEVICE\]/);
  });
});

describe('qfh fota checks the delta before anything reaches a modem', () => {
  const cases: [string, (file: string) => Promise<void>][] = [
    [
      'random bytes',
      (f) =>
        writeFile(
          f,
          Uint8Array.from({ length: 4096 }, (_, i) => (i * 131) & 0xff),
        ),
    ],
    [
      'a zip cut short',
      async (f) => {
        await writeDeltaZip(f, 20_000);
        const whole = await readFile(f);
        await writeFile(f, whole.subarray(0, whole.length - 40));
      },
    ],
    [
      'a zip whose file is damaged',
      async (f) => {
        await writeDeltaZip(f, 20_000);
        const whole = await readFile(f);
        const at = whole.indexOf('delta.bin') + 'delta.bin'.length + 200; // inside the data
        whole.writeUInt8(whole.readUInt8(at) ^ 0xff, at);
        await writeFile(f, whole);
      },
    ],
  ];
  it.each(cases)('%s: refused (exit 3), before the modem is even looked for', async (_n, make) => {
    const file = join(await mkdtemp(join(tmpdir(), 'qfh-fota-bad-')), 'delta.zip');
    await make(file);
    // --device usb finds no modem here: the refusal comes first, so nothing was looked for.
    const { code, stderr } = await qfh('fota', file, '--device', 'usb');
    expect(stderr).toContain('QFH_FOTA_NOT_DELTA');
    expect(stderr).toContain('is not a DFOTA delta package');
    expect(code).toBe(3);
  });
});
