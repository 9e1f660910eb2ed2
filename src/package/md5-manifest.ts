/**
 * Readers for the two checksum manifests Quectel packages ship (pure):
 * - QFirehose's `md5.txt`: `VERSION:1.0`, `FILE:START`, `FILE:\update\x.mbn:HEX`, `FILE:END`,
 *   CRLF, backslash paths, digests in either case;
 * - md5sum's format (`quectel.md5`): `hex␠␠relative/path`, LF, forward slashes.
 * Paths come out relative to the package root with forward slashes; digests lower case.
 *
 * @module
 */
import { PackageError } from '../errors.js';

/** One listed file. */
export interface Md5Entry {
  /** Package-relative path, forward slashes, no leading slash. */
  readonly path: string;
  /** 32 lower-case hex digits. */
  readonly md5: string;
  /** 1-based line in the manifest. */
  readonly line: number;
}

/** A parsed manifest. */
export interface Md5Manifest {
  readonly format: 'qfirehose' | 'md5sum';
  readonly version: string | undefined;
  readonly entries: readonly Md5Entry[];
}

const normalise = (p: string): string => p.replace(/\\/g, '/').replace(/^\.?\/+/, '');

/**
 * Parses either manifest format.
 * @param file name used in messages
 * @throws PackageError on a line that belongs to neither format.
 */
export function parseMd5Manifest(text: string, file = 'md5.txt'): Md5Manifest {
  const lines = text.replace(/^\ufeff/, '').split(/\r?\n/);
  const entries: Md5Entry[] = [];
  let version: string | undefined;
  let format: Md5Manifest['format'] | undefined;
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line === 'FILE:START' || line === 'FILE:END') {
      if (line !== '') format = 'qfirehose';
      return;
    }
    const ver = /^VERSION:(.*)$/.exec(line);
    if (ver) {
      version = ver[1];
      format = 'qfirehose';
      return;
    }
    const qf = /^FILE:(.+):([0-9a-fA-F]{32})$/.exec(line);
    if (qf && qf[1] !== undefined && qf[2] !== undefined) {
      entries.push({ path: normalise(qf[1]), md5: qf[2].toLowerCase(), line: i + 1 });
      format = 'qfirehose';
      return;
    }
    const ms = /^([0-9a-fA-F]{32}) [ *](.+)$/.exec(line);
    if (ms && ms[1] !== undefined && ms[2] !== undefined) {
      entries.push({ path: normalise(ms[2]), md5: ms[1].toLowerCase(), line: i + 1 });
      format ??= 'md5sum';
      return;
    }
    throw new PackageError(
      'QFH_PACKAGE_MD5_FORMAT',
      `${file} line ${i + 1} is neither "FILE:path:md5" nor "md5  path": ${JSON.stringify(raw.slice(0, 80))}`,
    );
  });
  if (!format) throw new PackageError('QFH_PACKAGE_MD5_FORMAT', `${file} lists no files`);
  return { format, version, entries };
}
