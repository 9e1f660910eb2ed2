/**
 * A simulated modem with the test programmer already running, driven by the naive scripted
 * host in test/sim/host-script.ts (not qfh's client), for the simulated programmer's tests.
 */
import { buildTestProgrammer, SimulatedModem, type SimLink } from '../../src/sim/index.js';
import { bootProgrammer, drain } from '../sim/host-script.js';

/** The programmer image every booted modem here runs. */
export const testProgrammer = buildTestProgrammer();

/** A modem of `profile` in EDL, its programmer booted; `banner` is what the programmer announced. */
export async function bootedModem(
  profile: string,
): Promise<{ modem: SimulatedModem; link: SimLink; banner: string[] }> {
  const modem = new SimulatedModem({ profile });
  const link = modem.connect();
  const banner = await bootProgrammer(link, testProgrammer);
  return { modem, link, banner };
}

/** Sends `data` as the raw phase of a program, as one write; returns the device's replies. */
export async function sendRawPhase(link: SimLink, data: Uint8Array): Promise<string[]> {
  await link.write(data, { timeoutMs: 500 });
  return (await drain(link)).map((t) => new TextDecoder().decode(t));
}

/** `n` bytes of a pattern that differs with `seed`, so misplaced data shows. */
export const pattern = (n: number, seed: number): Uint8Array =>
  Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
