import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FirehoseClient } from '../../src/firehose/client.js';
import { flash } from '../../src/flash/node-flash.js';
import { isFirehoseOnlyNode, openCharDevice } from '../../src/transport/chardev.js';
import { readPackage } from '../../src/package/open-package.js';
import { openRandomAccess } from '../../src/sparse/file-source.js';
import { timeoutsFor } from '../../src/timeouts.js';
import { uploadProgrammer } from '../../src/sahara/client.js';
import { buildDemoPackage, SimulatedModem } from '../../src/sim/index.js';

describe('a link that carries Firehose only (PCIe EDL nodes)', () => {
  it('recognises the nodes where the programmer is loaded by the kernel or BHI, not by Sahara', () => {
    expect(
      ['/dev/wwan0firehose0', '/dev/wwan1firehose0', '/dev/mhi_EDL', '/dev/mhi_EDL2'].map(
        isFirehoseOnlyNode,
      ),
    ).toEqual([true, true, true, true]);
    expect(
      ['/dev/ttyUSB0', '/dev/mhi_BHI', '/dev/wwan0at0', '/dev/mhi_DIAG'].map(isFirehoseOnlyNode),
    ).toEqual([false, false, false, false]);
  });

  it('flashes a modem whose programmer is already running and silent, skipping Sahara', async () => {
    const root = await buildDemoPackage(await mkdtemp(join(tmpdir(), 'qfh-fh-only-')));
    const pkg = await readPackage(root);
    const modem = new SimulatedModem({ profile: 'eg25g' });
    const link = modem.connect();
    // What the kernel's loader (or BHI) did before qfh opened the node: programmer up, banner gone.
    const programmer = await openRandomAccess(join(root, pkg.programmer ?? ''));
    await uploadProgrammer(link, programmer);
    await programmer.close();
    await new FirehoseClient(link, { timeouts: timeoutsFor('nand') }).readBanner();
    const reads = modem.saharaBoots[0]?.trace.reads.length;
    const phases = new Set<string>();
    const report = await flash(pkg, link, {
      programmerLoaded: true,
      onProgress: (p) => phases.add(p.phase),
    });
    expect(report.ok).toBe(true);
    expect(phases.has('sahara')).toBe(false);
    expect(modem.saharaBoots).toHaveLength(1);
    expect(modem.saharaBoots[0]?.trace.reads.length).toBe(reads);
  });
});

describe('openCharDevice on a Firehose-only node', () => {
  it('marks the transport, so flash() and backup() skip Sahara without being told', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qfh-node-'));
    await writeFile(join(dir, 'wwan0firehose0'), '');
    await writeFile(join(dir, 'ttyUSB0'), '');
    const pcie = await openCharDevice(join(dir, 'wwan0firehose0'));
    const tty = await openCharDevice(join(dir, 'ttyUSB0'));
    expect([pcie.firehoseOnly, tty.firehoseOnly]).toEqual([true, false]);
    await pcie.close();
    await tty.close();
  });
});
