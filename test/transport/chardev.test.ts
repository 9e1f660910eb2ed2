import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildTestProgrammer, SimulatedModem } from '../../src/sim/index.js';
import { openCharDevice } from '../../src/transport/chardev.js';
import { placeProgrammerForKernel } from '../../src/transport/kernel-firmware.js';
import { openFirehoseSession } from '../../src/session/index.js';
import { memorySource } from '../helpers/sources.js';
import { ptyModem } from '../helpers/pty.js';

describe('chardev backend: a tty as qcserial exposes an EDL device', () => {
  it('uploads the programmer and programs, reads back and erases through a pty', async () => {
    const modem = new SimulatedModem({ profile: 'eg25g' });
    const pty = await ptyModem(modem);
    const notices: string[] = [];
    const tty = await openCharDevice(pty.path, { onNotice: (m) => notices.push(m) });
    try {
      expect(notices[0]).toMatch(/raw mode/);
      const started = await openFirehoseSession(tty, {
        storage: 'nand',
        programmer: memorySource(buildTestProgrammer()),
        timeouts: { firehoseStartup: 2000, configure: 1000 },
      });
      expect(started.upload?.alreadyRunning).toBe(false);
      const client = started.client;
      const range = {
        sectorSizeInBytes: 2048,
        pagesPerBlock: 64,
        numPartitionSectors: 64,
        startSector: 1280,
      };
      await client.erase(range);
      const data = Uint8Array.from({ length: 64 * 2048 }, (_, i) => (i * 5) & 0xff);
      await client.program(
        range,
        (async function* () {
          yield data;
        })(),
      );
      const back: Uint8Array[] = [];
      await client.read(range, (p) => void back.push(Uint8Array.from(p)));
      expect(Buffer.concat(back).equals(Buffer.from(data))).toBe(true);
      expect(Buffer.from(modem.storage.export(0, 1280, 64)).equals(Buffer.from(data))).toBe(true);
      await client.erase(range);
      expect(modem.storage.export(0, 1280, 64).every((b) => b === 0xff)).toBe(true);
    } finally {
      await tty.close();
      pty.stop();
    }
  });

  it('says what to do when the node does not exist', async () => {
    await expect(openCharDevice('/dev/ttyUSB-none')).rejects.toMatchObject({
      code: 'QFH_TRANSPORT_IO',
      hint: expect.stringMatching(/ls \/dev\/ttyUSB/),
    });
  });
});

describe('upstream PCIe: the kernel loads the programmer', () => {
  it('places the programmer under the name the driver requests and restores the search path', async () => {
    const sys = await mkdtemp(join(tmpdir(), 'qfh-sys-'));
    const override = join(sys, 'module/firmware_class/parameters/path');
    await mkdir(dirname(override), { recursive: true });
    await writeFile(override, '/lib/firmware/updates\n');
    const programmer = join(sys, 'prog_firehose_sdx24.mbn');
    await writeFile(programmer, buildTestProgrammer());
    const placed = await placeProgrammerForKernel(programmer, 'qcom/prog_firehose_sdx24.mbn', sys);
    expect(await readFile(override, 'utf8')).toBe(placed.folder);
    expect(
      (await readFile(join(placed.folder, 'qcom/prog_firehose_sdx24.mbn'))).equals(
        await readFile(programmer),
      ),
    ).toBe(true);
    await placed.restore();
    expect(await readFile(override, 'utf8')).toBe('/lib/firmware/updates');
  });
});
