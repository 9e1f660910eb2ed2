import { describe, expect, it } from 'vitest';
import { buildTestProgrammer, FakeUsb, PROFILES, SimulatedModem } from '../../src/sim/index.js';
import { findEdlDevices, openUsbTransport, serialFromProduct } from '../../src/transport/usb.js';
import { openFirehoseSession } from '../../src/session/index.js';
import { memorySource } from '../helpers/sources.js';

const programmer = buildTestProgrammer();
const T = {
  firehoseStartup: 1000,
  configure: 500,
  programAck: 1000,
  rawData: 2000,
  programFinal: 2000,
  erase: 2000,
  command: 1000,
};

describe('usb backend against the simulator behind a fake usb module: finding EDL devices', () => {
  it('finds EDL devices by VID and interface class, never by PID, and skips normal-mode modems', () => {
    const fake = new FakeUsb([
      new SimulatedModem({ profile: 'rm500q' }),
      new SimulatedModem({ profile: 'eg25g', state: 'normal' }),
      new SimulatedModem({ profile: 'em20' }),
    ]);
    const found = findEdlDevices(fake);
    expect(found.map((d) => [d.vid, d.pid, d.interfaceProtocol, d.path])).toEqual([
      [0x05c6, 0x9008, 0x11, '1-1.4'],
      [0x05c6, 0x9008, 0x10, '1-3.4'],
    ]);
    const oem = new FakeUsb([new SimulatedModem({ profile: 'eg25g' })], { edlVid: 0x1234 });
    expect(findEdlDevices(oem)).toEqual([]);
    expect(findEdlDevices(oem, [0x1234])).toHaveLength(1);
  });

  it('reads serials from real iProduct strings', () => {
    expect(serialFromProduct('QUSB_BULK_CID:0404_SN:3EB3EBC4')).toBe('3EB3EBC4');
    expect(serialFromProduct('QHSUSB__BULK')).toBeUndefined();
  });

  it('every profile enumerates with its real EDL interface protocol', () => {
    for (const [id, p] of PROFILES)
      expect(
        findEdlDevices(new FakeUsb([new SimulatedModem({ profile: id })]))[0]?.interfaceProtocol,
      ).toBe(p.usb.edlInterfaceProtocol);
  });
});

describe('usb backend against the simulator behind a fake usb module: whole sessions and large writes', () => {
  it('reads the serial from iProduct, detaches qcserial with a notice, claims, and runs a whole session', async () => {
    for (const id of ['eg25g', 'rm500q', 'sm8150-ufs']) {
      const modem = new SimulatedModem({ profile: id });
      const fake = new FakeUsb([modem]);
      const notices: string[] = [];
      const [found] = findEdlDevices(fake);
      const usb = await openUsbTransport(found!, { onNotice: (m) => notices.push(m) });
      expect(usb.serial).toBe(
        modem.profile.sahara.serial.toString(16).toUpperCase().padStart(8, '0'),
      );
      expect(notices[0]).toMatch(/detached the kernel driver \(qcserial\) from interface 0/);
      const kind = modem.profile.storage.kind;
      const { client } = await openFirehoseSession(usb, {
        storage: kind,
        programmer: memorySource(programmer),
        timeouts: T,
      });
      const size = modem.profile.storage.sectorSize;
      const ppb = modem.profile.storage.pagesPerBlock;
      const range = {
        sectorSizeInBytes: size,
        numPartitionSectors: 64,
        startSector: 128,
        ...(ppb ? { pagesPerBlock: ppb } : {}),
      };
      const data = Uint8Array.from({ length: 64 * size }, (_, i) => (i >> 3) & 0xff);
      if (ppb) await client.erase(range);
      await client.program(
        range,
        (async function* () {
          yield data;
        })(),
      );
      const back: Uint8Array[] = [];
      await client.read(range, (p) => void back.push(Uint8Array.from(p)));
      expect(Buffer.concat(back).equals(Buffer.from(data))).toBe(true);
      expect(Buffer.from(modem.storage.export(0, 128, 64)).equals(Buffer.from(data))).toBe(true);
      // Every write that ends on a 512-byte boundary is followed by a ZLP.
      const sizes = fake.outTransfers.get(modem) ?? [];
      const payload = client.negotiated?.payloadToTarget ?? 0;
      expect(sizes).toContain(0);
      for (let i = 0; i < sizes.length; i++)
        if (sizes[i] === payload && payload % 512 === 0 && payload <= 65536)
          expect(sizes[i + 1]).toBe(0);
      await usb.close();
    }
  });

  it('keeps several OUT transfers in flight for a large write', async () => {
    const modem = new SimulatedModem({ profile: 'sm8150-ufs' });
    const fake = new FakeUsb([modem]);
    const usb = await openUsbTransport(findEdlDevices(fake)[0]!, {
      inFlight: 4,
      transferSize: 16384,
    });
    const { client } = await openFirehoseSession(usb, {
      storage: 'ufs',
      programmer: memorySource(programmer),
      timeouts: T,
    });
    const range = { sectorSizeInBytes: 4096, numPartitionSectors: 256, startSector: 0 };
    await client.program(
      range,
      (async function* () {
        yield new Uint8Array(1 << 20).fill(3);
      })(),
    );
    expect(fake.maxOutInFlight).toBeGreaterThanOrEqual(2);
    expect(modem.storage.export(0, 0, 256).every((b) => b === 3)).toBe(true);
  });
});

describe('usb backend against the simulator behind a fake usb module: each failure as its typed error', () => {
  it('sets a timeout on every transfer: a silent device gives a timeout error, not a hang', async () => {
    const modem = new SimulatedModem({ profile: 'eg25g', faults: { missHello: true } });
    const usb = await openUsbTransport(findEdlDevices(new FakeUsb([modem]))[0]!);
    await expect(usb.read(512, { timeoutMs: 80 })).rejects.toMatchObject({
      code: 'QFH_TRANSPORT_TIMEOUT',
    });
  }, 10_000);

  it.each([
    [{ accessDenied: true }, 'QFH_TRANSPORT_ACCESS', /udev rule/],
    [{ claimedElsewhere: true }, 'QFH_TRANSPORT_BUSY', /ModemManager/],
  ])('maps %j to %s with a hint that says what to do', async (options, code, hint) => {
    const found = findEdlDevices(new FakeUsb([new SimulatedModem()], options))[0]!;
    await expect(openUsbTransport(found)).rejects.toMatchObject({
      code,
      hint: expect.stringMatching(hint),
    });
  });

  it('maps a stall and an unplug', async () => {
    const stalled = await openUsbTransport(
      findEdlDevices(new FakeUsb([new SimulatedModem()], { stallOut: true }))[0]!,
    );
    await expect(stalled.write(new Uint8Array(8), { timeoutMs: 100 })).rejects.toMatchObject({
      code: 'QFH_TRANSPORT_IO',
      hint: expect.stringMatching(/Replug/),
    });
    const modem = new SimulatedModem();
    const usb = await openUsbTransport(findEdlDevices(new FakeUsb([modem]))[0]!);
    await usb.read(512, { timeoutMs: 100 }); // the HELLO that arrived before the unplug
    modem.unplug();
    await expect(usb.read(512, { timeoutMs: 100 })).rejects.toMatchObject({
      code: 'QFH_TRANSPORT_DISCONNECTED',
    });
  });
});
