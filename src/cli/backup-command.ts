/**
 * `qfh backup DIR`: the modem's partitions into DIR, as a package `qfh flash DIR` restores.
 *
 * @module
 */
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { backup } from '../flash/backup.js';
import { readPackage } from '../package/read-package.js';
import { SimulatedModem } from '../sim/modem.js';
import { openDevice, parseDeviceSpec } from '../transport/select-device.js';
import { ExitCode } from './exit-codes.js';
import { toJsonText } from './json-output.js';
import type { CliOutput } from './output.js';
import type { SessionHooks } from './capture-option.js';

/** Runs `qfh backup`. */
export async function runBackup(
  o: {
    dir: string;
    device: string | undefined;
    from: string | undefined;
    programmer: string | undefined;
    storage: 'nand' | 'emmc' | 'ufs' | undefined;
    json: boolean;
    waitSeconds: number;
    session?: SessionHooks;
  },
  out: CliOutput,
): Promise<number> {
  const layout = o.from ? await readPackage(o.from, { verifyMd5: false }) : undefined;
  const programmer =
    o.programmer ?? (layout?.programmer ? join(layout.root, layout.programmer) : undefined);
  if (!programmer)
    throw new UsageError(
      'QFH_USAGE',
      'qfh backup needs a programmer: --programmer FILE, or --from the firmware package (its programmer is used)',
    );
  const storage =
    o.storage ??
    (layout?.geometry
      ? 'nand'
      : layout
        ? layout.rawprograms[0]?.list.entries[0]?.sectorSize === 4096
          ? 'ufs'
          : 'emmc'
        : 'nand');
  const opened = await openDevice(parseDeviceSpec(o.device), {
    waitMs: o.waitSeconds * 1000,
    onWaiting: (m) => out.stderr(`qfh: ${m}\n`),
    onNotice: (m) => out.stderr(`qfh: ${m}\n`),
    openSim: (profile) => new SimulatedModem({ profile }).connect(),
  });
  const transport = o.session?.wrap(opened) ?? opened;
  try {
    let last = -1;
    const manifest = await backup(transport, o.dir, {
      programmer,
      storage,
      ...(layout ? { layout } : {}),
      onProgress: (p) => {
        const tenth = Math.floor((p.bytesDone / p.bytesTotal) * 10);
        if (!o.json && tenth > last)
          out.stderr(
            `qfh: backup ${p.label} — ${(p.bytesDone / 1e6).toFixed(1)}/${(p.bytesTotal / 1e6).toFixed(1)} MB (${tenth * 10}%)\n`,
          );
        last = Math.max(last, tenth);
      },
    });
    out.stdout(
      o.json
        ? `${toJsonText(manifest)}\n`
        : `Backed up ${manifest.partitions.length} partitions (${(manifest.partitions.reduce((n, p) => n + p.bytes, 0) / 1e6).toFixed(1)} MB) into ${o.dir}; restore with: qfh edl-recover ${o.dir}\n`,
    );
    return ExitCode.OK;
  } finally {
    await transport.close().catch(() => undefined);
  }
}
