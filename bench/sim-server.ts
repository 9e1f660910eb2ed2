/**
 * A simulated modem of the subject tree in its own process, behind TCP, so the host's
 * figures are the host's alone (the device runs elsewhere, as a real one does). Prints
 * `listening on 127.0.0.1:PORT`; on SIGINT prints `SIM {"cpu", "written"}` (its own CPU
 * seconds and the bytes it stored) and exits. Argument: JSON {subject, profile, discard,
 * touchBytes}.
 *
 * `touchBytes`: that much of LUN 0 is written and erased before the server listens, so the
 * flash stores into memory the process has already touched. A real modem does not take
 * the host's CPU to fault in fresh pages; here, on the host's own two cores, first touch
 * was 0.6 of the simulator's 2.3 CPU s/GiB (the verify case run alone, 2026-11-30) and
 * slowed the host beside it (host.verify.ufs 1.17 → 1.11 s/GiB, means of four runs each).
 * UFS and eMMC only: on NAND it would erase the boot loader a NAND profile holds at page 0.
 */
import { loadSim } from './subject.js';

const o = JSON.parse(process.argv[2] ?? '{}') as {
  subject: string;
  profile: string;
  discard: boolean;
  touchBytes?: number;
};
const sim = await loadSim(o.subject);
const base = sim.profile(o.profile);
const modem = new sim.SimulatedModem({
  profile: {
    ...base,
    partitionTable: undefined,
    storage: { ...base.storage, discardWrites: o.discard },
  },
  holdEdl: true,
  // Protocol waits that cost the bench wall time and measure nothing here (not 0: a 0 ms
  // banner took a path that threw in trees before b8b8d76).
  timing: { overrides: { bannerMs: 1, edlBootMs: 1 } },
});
touch(o.touchBytes ?? 0);
const written0 = modem.storage.bytesWritten;
const cpu0 = process.cpuUsage();
const server = await sim.serveModem(modem, '127.0.0.1', 0);
console.log(`listening on 127.0.0.1:${server.port}`);
process.on('SIGINT', () => {
  const cpu = process.cpuUsage(cpu0);
  console.log(
    `SIM ${JSON.stringify({ cpu: (cpu.user + cpu.system) / 1e6, written: modem.storage.bytesWritten - written0 })}`,
  );
  void server.close().finally(() => process.exit(0));
});

/** Writes and erases `bytes` of LUN 0: its pages are freed to be reused, already faulted in. */
function touch(bytes: number): void {
  const storage = modem.storage;
  if (bytes === 0) return;
  if (storage.geometry.kind === 'nand') throw new Error('touchBytes: not on a NAND profile');
  const piece = new Uint8Array(4 << 20).fill(0x5a);
  const sectors = Math.ceil(bytes / piece.length) * (piece.length / storage.sectorSize);
  for (let s = 0; s < sectors; s += piece.length / storage.sectorSize) storage.write(0, s, piece);
  storage.erase(0, 0, sectors);
}
