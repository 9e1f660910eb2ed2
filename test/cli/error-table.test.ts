/**
 * Issue 14's error table: each way a person gets the command line wrong ends in a QfhError
 * with a stable code, the exit status of its outcome and one line that says what happened,
 * with a hint that fits the situation (never "This is a bug in qfh" for a user's mistake).
 */
import { createServer, type Server } from 'node:net';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/main.js';
import { buildDemoPackage } from '../../src/sim/index.js';
import { runCli } from '../helpers/cli.js';
import { checkRows, type ErrorRow } from '../helpers/error-rows.js';

let demo: string;
/** A file where a folder is wanted, and a folder of files that are not firmware. */
let aFile: string;
let notFirmware: string;
let busy: Server;
let busyPort = 0;
beforeAll(async () => {
  const work = await mkdtemp(join(tmpdir(), 'qfh-errors-'));
  demo = await buildDemoPackage(work);
  aFile = join(work, 'notes.txt');
  await writeFile(aFile, 'not a folder');
  notFirmware = join(work, 'holiday-photos');
  await mkdir(notFirmware);
  await writeFile(join(notFirmware, 'beach.jpg'), 'jpeg');
  await writeFile(join(notFirmware, 'readme.txt'), 'photos');
  busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  busyPort = (busy.address() as { port: number }).port;
});
afterAll(() => busy.close());

/** Output of a backup or flash that reached the simulated modem. */
const MODEM_USED = /Backed up|Flashed|backup sbl|Sahara/;

const ROWS: ErrorRow[] = [
  {
    what: 'a --programmer that does not exist',
    args: () => ['flash', demo, '--device', 'sim:eg25g', '--yes', '--programmer', '/no/prog.mbn'],
    code: 'QFH_PROGRAMMER_INVALID',
    exit: 3,
    line: /cannot read the programmer \/no\/prog\.mbn/,
  },
  {
    what: 'a fota file that does not exist',
    args: () => ['fota', '/no/delta.zip', '--device', 'sim:eg25g:normal'],
    code: 'QFH_INPUT_UNREADABLE',
    exit: 2,
    line: /cannot read the delta package \/no\/delta\.zip/,
    notHint: /EDL|replug/i,
  },
  {
    what: 'a --listen port already taken',
    args: () => ['simulate', '--listen', `127.0.0.1:${busyPort}`],
    code: 'QFH_USAGE',
    exit: 2,
    line: /--listen 127\.0\.0\.1:\d+: .*EADDRINUSE/,
    hint: /pick another port/,
  },
  {
    what: 'a simulator profile that does not exist',
    args: () => ['flash', demo, '--device', 'sim:nosuch', '--yes'],
    code: 'QFH_USAGE',
    exit: 2,
    line: /--device sim:nosuch: no such simulator profile/,
    hint: /eg25g/,
  },
  {
    what: 'verify without --device',
    args: () => ['verify'],
    code: 'QFH_USAGE',
    exit: 2,
    line: /qfh verify needs the modem's AT port/,
  },
  {
    what: 'fota without --device',
    args: () => ['fota', demo],
    code: 'QFH_USAGE',
    exit: 2,
    line: /qfh fota needs the modem's AT port/,
  },
  {
    what: '--wait that is not a number',
    args: () => ['flash', demo, '--device', 'sim:eg25g', '--wait', 'abc'],
    code: 'QFH_USAGE',
    exit: 2,
    line: /--wait wants a number of seconds/,
  },
  {
    what: '--device in no known form',
    args: () => ['flash', demo, '--device', 'bogus:x', '--yes'],
    code: 'QFH_USAGE',
    exit: 2,
    line: /--device "bogus:x" is not usb/,
  },
  {
    what: 'the update/firehose folder instead of the package',
    args: () => ['plan', join(demo, 'update/firehose')],
    code: 'PKG_NOT_ROOT',
    exit: 3,
    line: /is a folder inside a firmware package; the package is .*EG25GGBR07A08M2G/,
    // The line names the package folder to run the command on: planning that one works.
    fix: (output) => ['plan', /the package is (.+?): run the command/.exec(output)?.[1] ?? ''],
  },
  {
    what: 'info on a modem in normal mode',
    args: () => ['info', '--device', 'sim:eg25g:normal'],
    code: 'QFH_USAGE',
    exit: 2,
    line: /qfh info reads the PBL, which only answers in EDL; sim:eg25g:normal is a modem in normal mode/,
    hint: /--device sim:eg25g \(a modem in EDL\), or switch a real one with qfh flash/,
    fix: (output) => ['info', '--device', /--device (\S+)/.exec(output)?.[1] ?? ''],
  },
  {
    what: 'verify on a modem in EDL',
    args: () => ['verify', '--device', 'sim:rm500q'],
    code: 'QFH_USAGE',
    exit: 2,
    line: /qfh verify talks to the AT port of a modem in normal mode; sim:rm500q is a modem in EDL/,
    hint: /--device sim:rm500q:normal \(a modem in normal mode\)/,
    fix: (output) => ['verify', '--device', /--device (\S+)/.exec(output)?.[1] ?? ''],
  },
  {
    what: 'backup on a modem in normal mode',
    args: () => [
      'backup',
      join(tmpdir(), 'qfh-never-written'),
      '--device',
      'sim:eg25g:normal',
      '--from',
      demo,
    ],
    code: 'QFH_USAGE',
    exit: 2,
    line: /qfh backup reads through the programmer, so the modem must be in EDL/,
    hint: /--device sim:eg25g \(a modem in EDL\)/,
  },
  {
    what: 'a backup folder that is a file: refused before the modem is opened',
    args: () => ['backup', aFile, '--device', 'sim:eg25g', '--from', demo],
    code: 'QFH_OUTPUT_UNWRITABLE',
    exit: 2,
    line: /the backup folder .*notes\.txt: is a file, not a folder/,
    hint: /Give the backup folder a new or existing folder's path/,
    absent: MODEM_USED,
  },
  {
    what: 'a backup folder inside a file',
    args: () => ['backup', join(aFile, 'backup'), '--device', 'sim:eg25g', '--from', demo],
    code: 'QFH_OUTPUT_UNWRITABLE',
    exit: 2,
    line: /notes\.txt is a file, so nothing can be created inside it/,
    hint: /Give the backup folder a path in a folder/,
    absent: MODEM_USED,
  },
  {
    what: 'a --capture file in a folder that does not exist',
    args: () => [
      'flash',
      demo,
      '--device',
      'sim:eg25g',
      '--yes',
      '--capture',
      join(tmpdir(), 'qfh-no-such-folder', 'x.pcapng'),
    ],
    code: 'QFH_OUTPUT_UNWRITABLE',
    exit: 2,
    line: /--capture .*x\.pcapng: the folder .*qfh-no-such-folder does not exist/,
    hint: /mkdir -p .*qfh-no-such-folder/,
    absent: MODEM_USED,
  },
  {
    what: 'a --debug-bundle that names a folder',
    args: () => ['info', '--device', 'sim:eg25g', '--debug-bundle', tmpdir()],
    code: 'QFH_OUTPUT_UNWRITABLE',
    exit: 2,
    line: /--debug-bundle .*: is a folder/,
    hint: /Give --debug-bundle a file name/,
    absent: MODEM_USED,
  },
  {
    what: 'a --record inside a file',
    args: () => [
      'flash',
      demo,
      '--device',
      'sim:eg25g:normal',
      '--yes',
      '--record',
      join(aFile, 'r.json'),
    ],
    code: 'QFH_OUTPUT_UNWRITABLE',
    exit: 2,
    line: /--record .*r\.json: .*notes\.txt is a file, so nothing can be created inside it/,
    absent: MODEM_USED,
  },
  {
    what: 'a folder of files that are not firmware: said so, not planned',
    args: () => ['plan', notFirmware],
    code: 'PKG_NOT_FIRMWARE',
    exit: 3,
    line: /Not a firmware package: .*holiday-photos/,
    absent: /steps:|eMMC|NAND/,
  },
  {
    what: 'a package folder that does not exist',
    args: () => ['plan', '/no/such/package'],
    code: 'QFH_PACKAGE_NOT_FOUND',
    exit: 2,
    line: /cannot read \/no\/such\/package/,
    notHint: /bug in qfh/,
  },
];

describe('error table: code, exit status, one line, a hint that fits', () => {
  checkRows(ROWS);

  it('a wrong --device is reported before the plan is printed', async () => {
    const { stdout } = await runCli(['flash', demo, '--device', 'bogus:x', '--yes']);
    expect(stdout).not.toMatch(/Plan for/);
  });
});

describe('help a person can find', () => {
  it('--version, -h, and an examples section in every command’s --help', async () => {
    expect((await runCli(['--version'])).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect((await runCli(['-h'])).stdout).toContain('qfh <command> [options]');
    for (const c of COMMANDS) {
      const name = c.syntax[0]?.split(' ')[0] ?? '';
      const { code, stdout } = await runCli([name, '--help']);
      expect(code, name).toBe(0);
      expect(stdout, name).toContain('Examples:');
    }
  });

  it('each accept flag’s help says the risk it accepts', async () => {
    const { stdout } = await runCli(['flash', '--help']);
    expect(stdout).toMatch(/--force-variant\s+accept the risk: flash firmware built for another/);
    expect(stdout).toMatch(/--allow-downgrade\s+accept the risk:/);
  });

  it('qfh completion prints a shell completion script', async () => {
    const { code, stdout } = await runCli(['completion']);
    expect(code).toBe(0);
    expect(stdout).toContain('qfh-completions');
  });
});
