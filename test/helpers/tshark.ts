/**
 * Debian's tshark for the dissector tests. Under CI (CI=true, root, a clean Debian) a missing
 * tshark is installed by scripts/ensure-tshark.sh and a failure to install fails the tests;
 * elsewhere a missing tshark skips them with one line.
 */
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
/** The dissector the package ships. */
export const DISSECTOR = join(ROOT, 'wireshark/qfh-edl.lua');

const installed = (): boolean => {
  try {
    execFileSync('tshark', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** True when tshark can run; installs it first under CI. */
export function tsharkAvailable(): boolean {
  if (installed()) return true;
  if (process.env['CI']) {
    execFileSync('bash', [join(ROOT, 'scripts/ensure-tshark.sh')], { stdio: 'inherit' });
    if (!installed()) throw new Error('scripts/ensure-tshark.sh ran but tshark is still missing');
    return true;
  }
  console.log('tshark is not installed: skipping the Wireshark dissector tests (CI installs it)');
  return false;
}

/** One frame of `tshark -T json -e …` output: field → values. */
export type TsharkFrame = Record<string, string[] | undefined>;

/** Runs tshark with the qfh dissector on `file`, printing `fields` of the frames `filter` keeps. */
export function tsharkFields(
  file: string,
  filter: string,
  fields: readonly string[],
): TsharkFrame[] {
  const out = execFileSync(
    'tshark',
    [
      '-X',
      `lua_script:${DISSECTOR}`,
      '-r',
      file,
      '-Y',
      filter,
      '-T',
      'json',
      ...fields.flatMap((f) => ['-e', f]),
    ],
    { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] },
  ).toString('utf8');
  const frames = JSON.parse(out) as { _source: { layers: TsharkFrame } }[];
  return frames.map((f) => f._source.layers);
}
