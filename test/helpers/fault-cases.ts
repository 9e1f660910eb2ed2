/**
 * The fault table of issue 12: every simulator fault, at several points of a flash of the
 * demo package. Command indexes are found from a healthy flash's own command log, so the
 * points stay meaningful if the plan changes.
 */
import type { FaultPlan } from '../../src/sim/index.js';

/** One row: a fault and whether the flash must still succeed with it. */
export interface FaultCase {
  readonly name: string;
  readonly faults: FaultPlan;
  /** The host must ride it out (a slow or odd programmer, not a broken one). */
  readonly benign: boolean;
  /** The fault stays: no advice can get past it (the PBL rejects this programmer). */
  readonly persistent?: boolean;
}

/** Where in a healthy flash's command sequence each point is. */
export interface CommandPoints {
  readonly configure: number;
  readonly storageInfo: number;
  readonly firstErase: number;
  readonly middleProgram: number;
  readonly lastProgram: number;
  readonly firstDigest: number | undefined;
  readonly power: number;
}

/** The points of a command log (tags in order). */
export function commandPoints(tags: readonly string[]): CommandPoints {
  const all = (tag: string): number[] => tags.flatMap((t, i) => (t === tag ? [i] : []));
  const programs = all('program');
  const first = (tag: string): number => {
    const at = tags.indexOf(tag);
    if (at < 0) throw new Error(`fault-cases: no ${tag} in ${tags.join(',')}`);
    return at;
  };
  return {
    configure: first('configure'),
    storageInfo: first('getstorageinfo'),
    firstErase: first('erase'),
    middleProgram: programs[Math.floor(programs.length / 2)] ?? first('program'),
    lastProgram: programs.at(-1) ?? first('program'),
    firstDigest: all('getsha256digest')[0],
    power: tags.lastIndexOf('power'),
  };
}

const COMMAND_FAULTS = [
  'nakCommand',
  'silentCommand',
  'garbageCommand',
  'truncateCommand',
  'disconnectAtCommand',
] as const;

/** Every row, for a flash whose healthy run had `points` and moved `hostBytes`. */
export function faultCases(points: CommandPoints, hostBytes: number): FaultCase[] {
  const rows: FaultCase[] = [];
  for (const fault of COMMAND_FAULTS)
    for (const [where, index] of Object.entries(points))
      if (index !== undefined)
        rows.push({
          name: `${fault} at ${where} (#${index})`,
          faults: { [fault]: index },
          benign: false,
        });
  for (const at of [2_000, Math.floor(hostBytes / 2)])
    rows.push({
      name: `disconnect after ${at} host bytes`,
      faults: { disconnectAtHostByte: at },
      benign: false,
    });
  for (const at of [1_000, Math.floor(hostBytes / 3)])
    rows.push({
      name: `power loss after ${at} program bytes`,
      faults: { powerLossAtProgramByte: at },
      benign: false,
    });
  rows.push(
    { name: 'configure answered 4 s late', faults: { slowConfigureMs: 4_000 }, benign: true },
    { name: 'banner 2.5 s late', faults: { bannerLateMs: 2_500 }, benign: true },
    { name: 'HELLO sent before the host listened', faults: { missHello: true }, benign: true },
    { name: 'every transfer split into 7-byte reads', faults: { shortReadBytes: 7 }, benign: true },
    { name: 'logs after the response', faults: { logsAfterResponse: true }, benign: true },
    { name: 'a ZLP 50 ms after each rawmode ACK', faults: { zlpStallMs: 50 }, benign: true },
    {
      name: 'the PBL rejects the programmer (0x21)',
      faults: { rejectProgrammerStatus: 0x21 },
      benign: false,
      persistent: true,
    },
  );
  return rows;
}
