/**
 * A simulated modem of the subject tree in its own process, behind TCP, so the host's
 * figures are the host's alone (the device runs elsewhere, as a real one does). Prints
 * `listening on 127.0.0.1:PORT`; on SIGINT prints `SIM {"cpu", "written"}` (its own CPU
 * seconds and the bytes it stored) and exits. Argument: JSON {subject, profile, discard}.
 */
import { loadSim } from './subject.js';

const o = JSON.parse(process.argv[2] ?? '{}') as {
  subject: string;
  profile: string;
  discard: boolean;
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
const cpu0 = process.cpuUsage();
const server = await sim.serveModem(modem, '127.0.0.1', 0);
console.log(`listening on 127.0.0.1:${server.port}`);
process.on('SIGINT', () => {
  const cpu = process.cpuUsage(cpu0);
  console.log(
    `SIM ${JSON.stringify({ cpu: (cpu.user + cpu.system) / 1e6, written: modem.storage.bytesWritten })}`,
  );
  void server.close().finally(() => process.exit(0));
});
