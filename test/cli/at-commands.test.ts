import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, qfh } from '../helpers/cli.js';

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
    await writeFile(
      file,
      Uint8Array.from({ length: 3000 }, (_, i) => (i * 7) & 0xff),
    );
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
    expect(events.filter((e) => e.phase === 'upload').map((e) => e.bytesDone)).toEqual([
      1024, 2048, 3000,
    ]);
    expect(events.some((e) => e.phase === 'updating')).toBe(true);
    expect(events.at(-1)).toMatchObject({
      event: 'result',
      ok: true,
      data: { before: { revision: 'EG25GGBR07A08M2G' } },
    });
    expect(stderr).toMatch(/uploading delta\.zip \(3000 bytes\)/);
  });

  it('qfh fota --device usb means the modem on USB, through its AT port (none here: no device)', async () => {
    // Before, usb was refused here as "the EDL device"; it names the modem, as in qfh flash.
    const { code, stderr } = await qfh('fota', BIN, '--device', 'usb');
    expect(code).toBe(4);
    expect(stderr).toMatch(/no Quectel modem in normal mode on USB \[QFH_NO_DEVICE\]/);
  });
});
