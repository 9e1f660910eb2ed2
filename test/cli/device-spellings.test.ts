/**
 * Each `--device` spelling of the README's table, through each command that takes
 * `--device`: the same handle means the same modem everywhere (issue 28). On this machine no
 * modem is attached, so every hardware spelling must end the same way in every command: no
 * device (exit 4, QFH_NO_DEVICE), never "not accepted here" or an I/O error. The simulator's
 * spellings run for real: a modem in EDL serves flash, info and backup and is refused by
 * name for verify and fota, and the other way round in normal mode.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEVICE_SPELLINGS } from '../../src/cli/device-spellings.js';
import { buildDemoPackage } from '../../src/sim/index.js';
import { runCli } from '../helpers/cli.js';
import { writeDeltaZip } from '../helpers/zip.js';

let demo = '';
let work = '';
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'qfh-spellings-'));
  demo = await buildDemoPackage(work);
  await writeDeltaZip(join(work, 'delta.zip'));
});

type Command = 'flash' | 'info' | 'backup' | 'verify' | 'fota';
const COMMANDS: Command[] = ['flash', 'info', 'backup', 'verify', 'fota'];

const argsOf = (command: Command, device: string): string[] => {
  // Long enough for the simulated switch to EDL (3 s), short where nothing will appear.
  const wait = device.startsWith('sim:') ? '60' : '1';
  const d = ['--device', device];
  switch (command) {
    case 'flash':
      return ['flash', demo, '--yes', '--wait', wait, ...d];
    case 'info':
      return ['info', '--wait', wait, ...d];
    case 'backup':
      return [
        'backup',
        join(work, `backup-${device.replace(/\W+/g, '_')}`),
        '--from',
        demo,
        '--wait',
        wait,
        ...d,
      ];
    case 'verify':
      return ['verify', ...d];
    case 'fota':
      return ['fota', join(work, 'delta.zip'), ...d];
  }
};

const EDL: Record<Command, number> = { flash: 0, info: 0, backup: 0, verify: 2, fota: 2 };
const NORMAL: Record<Command, number> = { flash: 0, info: 2, backup: 2, verify: 0, fota: 0 };

describe('every --device spelling, in every command that takes --device', () => {
  it('the table in the README and --help is the one tested here', () => {
    expect(DEVICE_SPELLINGS.map((s) => s.example)).toEqual([
      'usb',
      'usb:1-1.4',
      'usb:3B090F7D',
      '/dev/ttyUSB0',
      '/dev/wwan0firehose0',
      'tcp://127.0.0.1:9',
      'sim:eg25g',
      'sim:eg25g:normal',
    ]);
  });

  for (const { example } of DEVICE_SPELLINGS.filter((s) => !s.example.startsWith('sim:')))
    it(`${example}: no modem here, so "no device" in every command`, async () => {
      const seen: Record<string, string> = {};
      for (const command of COMMANDS) {
        const { code, stderr } = await runCli(argsOf(command, example));
        seen[command] = `${code} ${/\[(QFH_\w+)\]/.exec(stderr)?.[1] ?? stderr.slice(0, 120)}`;
      }
      expect(seen).toEqual(Object.fromEntries(COMMANDS.map((c) => [c, '4 QFH_NO_DEVICE'])));
    }, 60_000);

  for (const [example, want] of [
    ['sim:eg25g', EDL],
    ['sim:eg25g:normal', NORMAL],
  ] as const)
    it(`${example}: served where its mode fits, refused by name where it does not`, async () => {
      const seen: Record<string, number> = {};
      for (const command of COMMANDS) {
        const { code, stderr } = await runCli(argsOf(command, example));
        seen[command] = code;
        if (code === 2) expect(stderr).toMatch(new RegExp(`${example} is a modem in`));
      }
      expect(seen).toEqual(want);
    }, 180_000);
});
