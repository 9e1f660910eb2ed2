/**
 * `qfh backup DIR`: the modem's partitions into DIR, as a package `qfh flash DIR` restores.
 *
 * @module
 */
import { UsageError } from '../../errors.js';
import { backup } from '../../flash/backup.js';
import { checkBackupDestination } from '../../flash/backup-destination.js';
import { packageFileOnDisk } from '../../package/file-on-disk.js';
import { type FirmwarePackage } from '../../package/read-package.js';
import { readPackage } from '../../package/open-package.js';
import { STORAGE_KINDS, type StorageKind } from '../../storage-kind.js';
import { parseTimeoutOverrides, type Timeouts } from '../../timeouts.js';
import { defineCommand, type RunContext } from '../command.js';
import { deviceSpec, openCliDevice, requireMode } from '../devices.js';
import { checkOutputPaths } from '../output-paths.js';
import { ExitCode } from '../exit-codes.js';
import { DEVICE_HELP, withJson, withTimeouts, withWait } from '../options.js';

export const backupCommand = defineCommand({
  captures: true,
  syntax: ['backup <dir>'],
  describe:
    "Read the modem's partitions (from its NAND table, or the ranges a package would write) into DIR, as a package qfh flash restores",
  examples: [
    ['qfh backup ./before --from ./fw', 'back up what flashing ./fw would overwrite'],
    [
      'qfh backup ./nand --programmer prog_nand_firehose_9x07.mbn',
      'every partition of a NAND modem',
    ],
  ],
  options: (y) =>
    withTimeouts(
      withWait(
        withJson(
          y
            .positional('dir', {
              type: 'string',
              demandOption: true,
              describe: 'where to write the backup',
            })
            .option('device', { type: 'string', describe: DEVICE_HELP })
            .option('from', {
              type: 'string',
              describe:
                'a firmware package: back up the ranges it would write, and use its programmer',
            })
            .option('programmer', { type: 'string', describe: 'the programmer to upload' })
            .option('storage', {
              choices: STORAGE_KINDS,
              describe: 'storage type (default: from --from, else nand)',
            }),
        ),
        10,
      ),
    ),
  run: async (argv, ctx) => {
    const spec = deviceSpec(argv.device);
    requireMode(spec, {
      command: 'backup',
      mode: 'edl',
      why: 'reads through the programmer, so the modem must be in EDL',
      otherwise: 'or switch a real one with qfh flash, or its vendor tool',
    });
    const timeouts = parseTimeoutOverrides(argv.timeout);
    await checkOutputPaths([{ path: argv.dir, given: 'the backup folder', kind: 'folder' }]);
    const layout = argv.from ? await readPackage(argv.from, { verifyMd5: false }) : undefined;
    await checkBackupDestination(argv.dir, { packageRoot: layout?.root });
    // The backup keeps a copy of the programmer: from a zip, a temporary copy of that one file.
    const copied =
      argv.programmer === undefined && layout?.programmer
        ? await packageFileOnDisk(layout.source, layout.programmer)
        : undefined;
    try {
      return await backupWith(argv, ctx, {
        layout,
        programmer: argv.programmer ?? copied?.path,
        timeouts,
      });
    } finally {
      await copied?.remove();
    }
  },
});

async function backupWith(
  argv: {
    dir: string;
    device?: string | undefined;
    wait: number;
    storage?: StorageKind | undefined;
  },
  ctx: RunContext,
  c: {
    layout: FirmwarePackage | undefined;
    programmer: string | undefined;
    timeouts: Partial<Timeouts>;
  },
): Promise<number> {
  const { layout, programmer, timeouts } = c;
  const spec = deviceSpec(argv.device);
  if (!programmer)
    throw new UsageError(
      'QFH_USAGE',
      'qfh backup needs a programmer: --programmer FILE, or --from the firmware package (its programmer is used)',
    );
  const storage = argv.storage ?? layout?.storage.kind ?? 'nand';
  const transport = await openCliDevice(spec, {
    out: ctx.out,
    waitSeconds: argv.wait,
    session: ctx.session,
  });
  try {
    let last = -1;
    const manifest = await backup(transport, argv.dir, {
      programmer,
      storage,
      timeouts,
      ...(layout ? { layout } : {}),
      onProgress: (p) => {
        const tenth = Math.floor((p.bytesDone / p.bytesTotal) * 10);
        if (!ctx.events.json && tenth > last)
          ctx.out.stderr(
            `qfh: backup ${p.label} — ${(p.bytesDone / 1e6).toFixed(1)}/${(p.bytesTotal / 1e6).toFixed(1)} MB (${tenth * 10}%)\n`,
          );
        last = Math.max(last, tenth);
      },
    });
    const bytes = manifest.partitions.reduce((n, p) => n + p.bytes, 0);
    ctx.events.emit({
      event: 'result',
      command: 'backup',
      ok: true,
      exitCode: ExitCode.OK,
      data: manifest,
    });
    if (!ctx.events.json)
      ctx.out.stdout(
        `Backed up ${manifest.partitions.length} partitions (${(bytes / 1e6).toFixed(1)} MB) into ${argv.dir}; restore with: qfh edl-recover ${argv.dir}\n`,
      );
    return ExitCode.OK;
  } finally {
    await transport.close().catch(() => undefined);
  }
}
