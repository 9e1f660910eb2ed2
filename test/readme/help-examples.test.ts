/**
 * The examples every command's `--help` shows run as shown, against the README test's
 * stand-ins (`stand-ins.ts`: the demo package for firmware, the simulator for a modem). Each
 * example has an entry below saying what it must do, or why it is not run here; an example
 * without one, or an entry no example has, fails the run, so an example cannot be added to a
 * command without being run or excused.
 */
import { mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/main.js';
import { runDocumented, startServing } from './documented-command.js';
import { prepareStandIns, standIn } from './stand-ins.js';

/** What one example must do. */
type Expected =
  /** Exits with `exit`; `answer` is typed when it asks; each of `shows` is in its output. */
  | { readonly exit: number; readonly shows?: readonly string[]; readonly answer?: string }
  /** A service: it shows `ready`, stops on Ctrl-C with exit 0, and has shown each of `shows`. */
  | { readonly serves: string; readonly shows?: readonly string[] }
  /** Exits 0 while `beside` (a service example) runs; that service then shows `besideShows`. */
  | { readonly beside: string; readonly besideShows: string }
  | { readonly notRun: string };

const ROUTER = 'needs a router on 192.168.1.1 (test/relay/relay-netns.test.ts runs the relay)';
const SIM = 'qfh simulate --profile rm500q';

const EXPECTED: Readonly<Record<string, Expected>> = {
  'qfh backup ./before --from ./fw': { exit: 0, shows: ['into ./before; restore with'] },
  'qfh backup ./nand --programmer prog_nand_firehose_9x07.mbn': {
    exit: 0,
    shows: ['into ./nand; restore with'],
  },
  'qfh demo': { exit: 0, shows: ['byte for byte'] },
  'qfh demo --keep': { exit: 0, shows: ['qfh plan'] },
  'qfh doctor': { exit: 0 },
  'qfh doctor --json': { exit: 0, shows: ['"command":"doctor","ok":true'] },
  'qfh flash ./EG25GGBR07A08M2G_30.006.30.006': { exit: 0, answer: 'y', shows: ['Flashed '] },
  'qfh flash ./fw --dry-run': { exit: 0, shows: ['nothing was sent'] },
  'qfh edl-recover ./fw --device usb:1A2B3C4D': { exit: 0, answer: 'y', shows: ['Flashed '] },
  'qfh flash ./fw --yes --json > log.jsonl': { exit: 0 },
  'qfh flash ./fw --device usb:1-1.4 --device usb:1-2.4': {
    exit: 0,
    answer: 'y',
    shows: ['2 of 2'],
  },
  'qfh flash ./fw --all --yes': {
    notRun:
      '--all takes every modem on this machine’s USB bus, and it has none (test/fleet/eight-modems.test.ts runs it on a simulated bus)',
  },
  'qfh flash ./fw.zip --relay 3f9c2e0b7d41a6c58e90@192.168.1.1': { notRun: ROUTER },
  'qfh fota ./EG25GGBR07A08M2G_30.006-30.007.zip --device /dev/ttyUSB2': {
    exit: 0,
    shows: ['applied'],
  },
  'qfh info': { exit: 0, shows: ['HW ID'] },
  'qfh info --device sim:rm500q --json': { exit: 0, shows: ['"hwId"'] },
  'qfh inspect ./fw': { exit: 0 },
  'qfh inspect ./fw.zip': { exit: 0 },
  'qfh inspect system.img': { exit: 0 },
  'qfh inspect 03000000140000000d0000000000000050000000': { exit: 0, shows: ['"type":"readData"'] },
  'qfh list': { exit: 0 },
  'qfh list --json': { exit: 0 },
  'qfh plan ./EG25GGBR07A08M2G_30.006.30.006': { exit: 0 },
  'qfh plan ./fw --modem-revision EG25GGBR07A08M2G': { exit: 0 },
  'qfh plan ./fw --json | jq .ops': { exit: 0, shows: ['"program"'] },
  'qfh relay-script > qfh-relay.sh': { exit: 0 },
  'ssh root@192.168.1.1 sh /tmp/qfh-relay.sh': { notRun: ROUTER },
  [SIM]: { serves: 'listening on tcp://127.0.0.1:' },
  'qfh simulate --preload ./fw': {
    serves: 'listening on tcp://127.0.0.1:',
    shows: ['preloaded 11 images'],
  },
  'qfh simulate --listen 127.0.0.1:9008 --dump ./out': {
    notRun: 'port 9008 may be taken where the tests run; the --dump example above runs on port 0',
  },
  'kill -HUP $(pgrep -f "^qfh simulate")': { beside: SIM, besideShows: 'power-cycling' },
  'qfh verify --device /dev/ttyUSB2': { exit: 0, shows: ['EG25GGBR07A08M2G'] },
  'qfh verify --device /dev/ttyUSB2 --before qfh-update-2026-11-29.json': {
    exit: 0,
    shows: ['compared with qfh-update-2026-11-29.json', '(unchanged)'],
  },
  'qfh wireshark': { exit: 0, shows: ['qfh-edl.lua'] },
};

const examples = COMMANDS.flatMap((c) => c.examples.map(([example]) => example));

let dir = '';
let bin = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qfh-examples-'));
  bin = await prepareStandIns(dir, { records: 1 });
  // The record under the name the verify example gives it.
  const record = (await readdir(dir)).find((n) => /^qfh-update-.*\.json$/.test(n)) ?? '';
  await rename(join(dir, record), join(dir, 'qfh-update-2026-11-29.json'));
}, 240_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  const excused = examples.filter((e) => EXPECTED[e] && 'notRun' in EXPECTED[e]);
  console.log(
    [
      `--help examples: ${examples.length - excused.length} of ${examples.length} run; not run here:`,
      ...excused.map((e) => `  ${e}\n      (${(EXPECTED[e] as { notRun: string }).notRun})`),
    ].join('\n'),
  );
});

it('every --help example has an entry saying what it does, and every entry is an example', () => {
  expect({
    withoutEntry: examples.filter((e) => !(e in EXPECTED)),
    withoutExample: Object.keys(EXPECTED).filter((e) => !examples.includes(e)),
  }).toEqual({ withoutEntry: [], withoutExample: [] });
});

async function run(example: string, e: Expected): Promise<void> {
  const where = { cwd: dir, bin, timeoutMs: 120_000 };
  if ('notRun' in e) return;
  if ('serves' in e) {
    const serving = await startServing(standIn(example), { ...where, ready: e.serves });
    const ended = await serving.stop();
    expect({ example, code: ended.code }).toEqual({ example, code: 0 });
    for (const line of e.shows ?? []) expect(ended.output).toContain(line);
    return;
  }
  if ('beside' in e) {
    const service = EXPECTED[e.beside];
    if (!service || !('serves' in service)) throw new Error(`${e.beside} is not a service example`);
    const serving = await startServing(standIn(e.beside), { ...where, ready: service.serves });
    let ran: Awaited<ReturnType<typeof runDocumented>>;
    try {
      ran = await runDocumented(example, where);
      for (let i = 0; i < 40 && !serving.output().includes(e.besideShows); i++)
        await new Promise((r) => setTimeout(r, 50));
    } finally {
      await serving.stop();
    }
    expect({ example, code: ran.code, output: ran.code === 0 ? '' : ran.output }).toEqual({
      example,
      code: 0,
      output: '',
    });
    const ended = await serving.stop();
    expect(ended.output).toContain(e.besideShows);
    return;
  }
  const command = standIn(example);
  const result = await runDocumented(command, { ...where, answer: e.answer });
  expect({
    command,
    code: result.code,
    output: result.code === e.exit ? '' : result.output,
  }).toEqual({ command, code: e.exit, output: '' });
  for (const line of e.shows ?? []) expect(result.output).toContain(line);
}

for (const example of examples) {
  const e = EXPECTED[example];
  if (e && 'notRun' in e) continue;
  it(`--help example: ${example}`, () => run(example, e ?? { notRun: '' }), 150_000);
}
