/** The demo flash (src/sim/demo-package.ts onto the simulated EG25-G) exported as usbmon pcapng. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { TappedTransport, UsbPcapngWriter } from '../../src/capture/index.js';
import { flash } from '../../src/flash/node-flash.js';
import { buildDemoPackage, SimulatedModem } from '../../src/sim/index.js';

const made: string[] = [];
afterAll(async () => {
  await Promise.all(made.map((d) => rm(d, { recursive: true, force: true })));
});

/** A fresh demo package folder (removed after the test file). */
export async function demoPackage(): Promise<string> {
  const parent = await mkdtemp(join(tmpdir(), 'qfh-demo-capture-'));
  made.push(parent);
  return buildDemoPackage(parent);
}

/** Flashes the demo package onto the simulator, exported as pcapng; returns the file's bytes. */
export async function demoFlashPcapng(root: string): Promise<Uint8Array> {
  const blocks: Uint8Array[] = [];
  const writer = new UsbPcapngWriter((b) => blocks.push(b), { description: 'sim eg25g' });
  const modem = new SimulatedModem({ profile: 'eg25g' });
  const report = await flash(root, new TappedTransport(modem.connect(), [writer.observe]));
  if (!report.ok) throw new Error('the demo flash failed');
  return Buffer.concat(blocks);
}
