import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pcieNormalModeAccess } from '../../src/flash/normal-mode-access.js';
import { flashFromNormalMode } from '../../src/flash/node-flash.js';
import { uploadProgrammer } from '../../src/sahara/client.js';
import { buildDemoPackage, SimulatedModem } from '../../src/sim/index.js';
import { openRandomAccess } from '../../src/sparse/file-source.js';
import type { Transport } from '../../src/transport/transport.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function fixture(nodes: string[]): Promise<{ dev: string; sys: string; override: string }> {
  const root = await mkdtemp(join(tmpdir(), 'qfh-pcie-'));
  const dev = join(root, 'dev');
  const sys = join(root, 'sys');
  await mkdir(dev);
  for (const n of nodes) await writeFile(join(dev, n), '');
  const override = join(sys, 'module/firmware_class/parameters/path');
  await mkdir(join(override, '..'), { recursive: true });
  await writeFile(override, '/lib/firmware/updates\n');
  return { dev, sys, override };
}

const quiet = (): { text: string[]; onMessage: (s: string) => void } => {
  const text: string[] = [];
  return { text, onMessage: (s: string) => void text.push(s) };
};

describe('flashing a PCIe module from normal mode (upstream wwan driver)', () => {
  it('places the programmer for the kernel before the switch, waits for wwan0firehose0, flashes without Sahara, reads the identity again, restores the search path', async () => {
    const pkg = await buildDemoPackage(await mkdtemp(join(tmpdir(), 'qfh-pcie-pkg-')));
    const { dev, sys, override } = await fixture(['wwan0at0', 'wwan0qcdm0', 'wwan0mbim0']);
    // The boot after the flash is shortened (a real EG25-G takes ≈30 s): this test is about the nodes.
    const modem = new SimulatedModem({
      profile: 'eg25g',
      state: 'normal',
      timing: { overrides: { bootMs: 1500 } },
    });
    const opened: string[] = [];
    let normalLink: Transport | undefined;
    let edlLink: Transport | undefined;
    // The kernel's side: on the switch it loads the programmer from the search path qfh set, then exposes the node.
    const kernel = (async () => {
      const state = (): string => modem.state;
      while (state() !== 'edl') await sleep(5);
      const folder = (await readFile(override, 'utf8')).trim();
      const link = modem.connect();
      const programmer = await openRandomAccess(join(folder, 'qcom/prog_firehose_sdx6x.elf'));
      await uploadProgrammer(link, programmer);
      await programmer.close();
      edlLink = link;
      await writeFile(join(dev, 'wwan0firehose0'), '');
      // After the flash's reset the module boots normally: the EDL node goes away.
      while (state() !== 'normal') await sleep(5);
      await rm(join(dev, 'wwan0firehose0'));
      normalLink = undefined;
    })();
    const open = async (path: string): Promise<Transport> => {
      opened.push(path);
      if (path.endsWith('firehose0'))
        return edlLink ?? Promise.reject(new Error('node before programmer'));
      return (normalLink ??= modem.connect());
    };
    const out = quiet();
    const pcie = await pcieNormalModeAccess(
      { waitSeconds: 5, onMessage: out.onMessage },
      {
        devRoot: dev,
        sysRoot: sys,
        open,
      },
    );
    expect(pcie).toBeDefined();
    const phases = new Set<string>();
    try {
      const result = await flashFromNormalMode(pkg, pcie!.access, {
        edlSwitch: { attempts: 3, intervalMs: 10 },
        onProgress: (p) => phases.add(p.phase),
      });
      expect(result.report.ok).toBe(true);
      expect(result.after?.revision).toBe('EG25GGBR07A08M2G');
    } finally {
      await pcie!.cleanup();
    }
    await kernel;
    expect(opened).toEqual([
      join(dev, 'wwan0at0'),
      join(dev, 'wwan0qcdm0'),
      join(dev, 'wwan0firehose0'),
      join(dev, 'wwan0at0'),
    ]);
    expect(phases.has('sahara')).toBe(false);
    expect(modem.saharaBoots).toHaveLength(1); // the kernel's upload, not qfh's
    expect((await readFile(override, 'utf8')).trim()).toBe('/lib/firmware/updates');
    expect(out.text.join('')).toMatch(
      /the kernel will load .*prog_nand_firehose_9x07\.mbn on the switch/,
    );
  });
});

describe('finding a PCIe module in normal mode: unsupported driver, no module', () => {
  it("refuses Quectel's pcie_mhi driver before opening any port: the module is never left in EDL unflashable", async () => {
    const { dev, sys } = await fixture(['mhi_DUN', 'mhi_DIAG', 'mhi_BHI']);
    const opened: string[] = [];
    const e = await pcieNormalModeAccess(
      { waitSeconds: 1, onMessage: quiet().onMessage },
      {
        devRoot: dev,
        sysRoot: sys,
        open: async (p) => (opened.push(p), Promise.reject(new Error('unused'))),
      },
    ).catch((x: unknown) => x);
    expect(e).toMatchObject({
      code: 'QFH_TRANSPORT_UNSUPPORTED',
      hint: expect.stringMatching(/mhi-pci-generic/),
    });
    expect(opened).toEqual([]);
  });

  it('finds nothing when there is no PCIe module in normal mode', async () => {
    const { dev, sys } = await fixture(['wwan0firehose0', 'ttyS0']);
    expect(
      await pcieNormalModeAccess({ waitSeconds: 1 }, { devRoot: dev, sysRoot: sys }),
    ).toBeUndefined();
  });
});
