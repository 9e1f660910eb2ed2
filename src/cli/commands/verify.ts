/**
 * `qfh verify`: the modem's identity, registration, signal and bands, optionally compared
 * with an earlier record (the one `qfh flash` saves before an update).
 *
 * @module
 */
import { readFile, stat } from 'node:fs/promises';
import { AtPort } from '../../at/at-port.js';
import { checkModem, diffChecks, type ModemCheck } from '../../at/post-check.js';
import { UsageError } from '../../errors.js';
import { SimulatedModem } from '../../sim/modem.js';
import { openDevice } from '../../transport/select-device.js';
import { atDeviceSpec, resolveAtPort } from '../at-device.js';
import { defineCommand } from '../command.js';
import { ExitCode } from '../exit-codes.js';
import { DEVICE_HELP, withJson } from '../options.js';

/** A check as text lines. */
export function renderCheck(c: ModemCheck): string[] {
  return [
    `${c.identity.manufacturer} ${c.identity.model}: ${c.identity.fullRevision ?? c.identity.revision}${c.identity.subEdition ? ` (sub-edition ${c.identity.subEdition})` : ''}`,
    `  registered: CREG ${c.creg ?? '-'}, CEREG ${c.cereg ?? '-'}; signal CSQ ${c.rssi ?? '-'}; bands ${c.bands ?? '-'}`,
    ...c.warnings.map((w) => `  warning: ${w}`),
  ];
}

/**
 * The newest of the records given: a shell expands `qfh-update-*.json` to every record in
 * the folder, and the one just before this update is the one to compare with. Newest by the
 * time written in qfh's names (the file's time when a name has none).
 */
export async function newestRecord(paths: readonly string[]): Promise<string | undefined> {
  const dated = await Promise.all(
    paths.map(async (path) => {
      const named = /qfh-update-(\d{4}-\d\d-\d\dT[\d-]+Z)(?:-(.+))?\.json$/.exec(path);
      const info = await stat(path).catch((e: unknown) => {
        throw new UsageError(
          'QFH_INPUT_UNREADABLE',
          `cannot read the record ${path}: ${(e as Error).message}`,
        );
      });
      const time = named?.[1] ?? info.mtime.toISOString().replace(/[:.]/g, '-');
      return { path, time, modem: named?.[2] ?? '' };
    }),
  );
  // A fleet's records carry each modem's name: the newest of all may be another modem's.
  const modems = new Set(dated.map((d) => d.modem));
  if (modems.size > 1)
    throw new UsageError(
      'QFH_USAGE',
      `the ${paths.length} records given are of ${modems.size} different modems`,
      {
        hint: `Give --before the record of the modem you check: ${paths.join(', ')}`,
      },
    );
  return dated.sort((a, b) => a.time.localeCompare(b.time)).at(-1)?.path;
}

async function readRecord(path: string): Promise<ModemCheck> {
  const text = await readFile(path, 'utf8').catch((e: unknown) => {
    throw new UsageError(
      'QFH_INPUT_UNREADABLE',
      `cannot read the record ${path}: ${(e as Error).message}`,
    );
  });
  try {
    const record = JSON.parse(text) as { before?: ModemCheck } & ModemCheck;
    return record.before ?? record;
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e;
    throw new UsageError(
      'QFH_INPUT_UNREADABLE',
      `${path} is not a record qfh wrote (not JSON: ${e.message})`,
    );
  }
}

export const verifyCommand = defineCommand({
  syntax: ['verify'],
  describe:
    'Check a modem after an update: revision, registration, signal, bands; --before compares with the record qfh flash saved',
  examples: [
    ['qfh verify --device /dev/ttyUSB2', 'identity, registration, signal and bands now'],
    [
      'qfh verify --device /dev/ttyUSB2 --before qfh-update-2026-11-29.json',
      'what changed since the update',
    ],
  ],
  options: (y) =>
    withJson(
      y
        .option('device', {
          type: 'string',
          describe: `the modem's AT port: ${DEVICE_HELP}`,
        })
        .option('before', {
          type: 'string',
          array: true,
          describe:
            'an earlier record (qfh flash saves one) to compare with; given several (qfh-update-*.json), the newest',
        }),
    ),
  run: async (argv, ctx) => {
    const named = atDeviceSpec(argv.device, 'verify');
    const chosen = await newestRecord(argv.before ?? []);
    const earlier = chosen ? await readRecord(chosen) : undefined;
    const spec = await resolveAtPort(named, { command: 'verify' });
    const transport = await openDevice(spec, {
      openSim: (profile) => new SimulatedModem({ profile, state: 'normal' }).connect(),
    });
    try {
      const check = await checkModem(new AtPort(transport));
      const diff = earlier ? diffChecks(earlier, check) : undefined;
      ctx.events.emit({
        event: 'result',
        command: 'verify',
        ok: true,
        exitCode: ExitCode.OK,
        data: { check, ...(diff ? { diff } : {}) },
      });
      const given = argv.before?.length ?? 0;
      const which = given > 1 ? ` (the newest of the ${given} records given)` : '';
      const compared = diff ? [`compared with ${chosen}${which}:`, ...diff] : [];
      if (!ctx.events.json) ctx.out.stdout(`${[...renderCheck(check), ...compared].join('\n')}\n`);
      return ExitCode.OK;
    } finally {
      await transport.close();
    }
  },
});
