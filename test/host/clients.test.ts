import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildTestProgrammer, PROFILES, SimulatedModem } from '../../src/sim/index.js';
import { readChipInfo, saharaTimeouts, uploadProgrammer } from '../../src/sahara/index.js';
import { memorySource } from '../helpers/sources.js';
import type { FirehoseClient } from '../../src/firehose/index.js';
import { openFirehoseSession } from '../../src/session/index.js';
import type { StorageKind } from '../../src/storage-kind.js';
import type { Transport } from '../../src/transport/transport.js';

const programmerBytes = buildTestProgrammer();
const fast = {
  firehoseStartup: 2000,
  configure: 500,
  programAck: 1000,
  rawData: 2000,
  programFinal: 2000,
  erase: 2000,
  command: 1000,
};

async function* chunks(data: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size);
}

/** A ready client, through the one session start. */
async function session(
  transport: Transport,
  kind: StorageKind,
  maxPayload?: number,
): Promise<FirehoseClient> {
  const started = await openFirehoseSession(transport, {
    storage: kind,
    programmer: memorySource(programmerBytes),
    timeouts: fast,
    maxPayload,
  });
  expect(started.upload?.alreadyRunning).toBe(false);
  return started.client;
}

describe('Sahara client against the simulated PBL', () => {
  for (const [id, profile] of PROFILES) {
    it(`${id}: uploads (v${profile.sahara.version}, ${profile.sahara.readData64 ? '64' : '32'}-bit READ_DATA) and the PBL accepts`, async () => {
      const modem = new SimulatedModem({ profile: id });
      const source = memorySource(programmerBytes);
      let reads = 0;
      const counted = {
        size: source.size,
        read: (at: number, n: number) => (reads++, source.read(at, n)),
      };
      const result = await uploadProgrammer(modem.connect(), counted);
      // The PBL's 4 KiB requests are served from a window, not one source read each.
      expect(result.requests).toBeGreaterThan(10);
      expect(reads).toBeLessThan(result.requests / 4);
      expect(result).toMatchObject({
        alreadyRunning: false,
        version: profile.sahara.version,
        readData64: profile.sahara.readData64,
      });
      expect(result.bytesServed).toBe(
        modem.saharaBoots[0]?.trace.reads.reduce((n, r) => n + r.length, 0),
      );
      expect(modem.saharaBoots[0]?.trace.result).toEqual({ status: 0, reason: 'ok' });
      expect(modem.programmer).toBeDefined();
    });
  }

  it('reads chip info in command mode (v2: serial, HW ID, PK hash), then uploads on the same boot', async () => {
    const modem = new SimulatedModem({ profile: 'eg25g' });
    const link = modem.connect();
    const info = await readChipInfo(link);
    expect(info).toMatchObject({ version: 2, serial: 0x3b090f7dn, hwId: { msmId: 0x0480e1 } });
    expect(info.pkHash).toMatch(/^[0-9a-f]{64}$/);
    expect((await uploadProgrammer(link, memorySource(programmerBytes))).alreadyRunning).toBe(
      false,
    );
  });

  it('reads chip info on a v3 PBL through READ_CHIP_ID_V3 (no HW ID answer)', async () => {
    const info = await readChipInfo(new SimulatedModem({ profile: 'rg255c' }).connect());
    expect(info.version).toBe(3);
    expect(info.hwId).toBeUndefined();
    expect(info.chipIdV3?.msmId).toBe(0x1a10e1);
  });

  it('notices a programmer that is already running and skips Sahara', async () => {
    const modem = new SimulatedModem({ profile: 'rm500q' });
    const link = modem.connect();
    await uploadProgrammer(link, memorySource(programmerBytes));
    expect((await uploadProgrammer(link, memorySource(programmerBytes))).alreadyRunning).toBe(true);
  });

  it('recovers a missed HELLO with RESET_STATE_MACHINE', async () => {
    const modem = new SimulatedModem({ profile: 'eg25g', faults: { missHello: true } });
    const result = await uploadProgrammer(modem.connect(), memorySource(programmerBytes), {
      timeouts: saharaTimeouts({ saharaHello: 100 }),
    });
    expect(result.alreadyRunning).toBe(false);
  });
});

describe('Firehose client against every simulated profile (in-process transport)', () => {
  for (const [id, profile] of PROFILES) {
    it(`${id}: configures, programs, reads back, erases${profile.firehose.functions.includes('getsha256digest') ? ', digests' : ''}`, async () => {
      const modem = new SimulatedModem({ profile: id });
      const kind = profile.storage.kind;
      const client = await session(modem.connect(), kind);
      const size = profile.storage.sectorSize;
      const ppb = profile.storage.pagesPerBlock;
      const start = ppb ? ppb * 40 : 40;
      const sectors = 37;
      const data = Uint8Array.from({ length: sectors * size - 100 }, (_, i) => (i * 13 + 7) & 0xff);
      const range = {
        sectorSizeInBytes: size,
        numPartitionSectors: sectors,
        startSector: start,
        ...(ppb ? { pagesPerBlock: ppb } : {}),
      };
      if (ppb) await client.erase({ ...range, numPartitionSectors: ppb });
      await client.program(range, chunks(data, 3000));
      const expected = new Uint8Array(sectors * size);
      expected.set(data);
      expect(
        Buffer.from(modem.storage.export(0, start, sectors)).equals(Buffer.from(expected)),
      ).toBe(true);
      const back: Uint8Array[] = [];
      await client.read(range, (p) => void back.push(Uint8Array.from(p)));
      expect(Buffer.concat(back).equals(Buffer.from(expected))).toBe(true);
      if (client.functions.has('getsha256digest'))
        expect(await client.sha256(range)).toBe(
          createHash('sha256').update(expected).digest('hex'),
        );
      if (ppb) {
        await client.erase({ ...range, numPartitionSectors: ppb });
        expect(modem.storage.export(0, start, sectors).every((b) => b === 0xff)).toBe(true);
      }
      if (client.functions.has('getstorageinfo'))
        expect((await client.storageInfo(0)).pageSize).toBe(size);
      await client.nop();
      await client.power('reset');
      await client.drainLogs(30);
      await new Promise((r) => setTimeout(r, 20));
      expect(modem.state).not.toBe('edl');
    });
  }

  it('negotiates the payload down on a NAK that names the size (MSM8974 refuses 1 MiB)', async () => {
    const client = await session(
      new SimulatedModem({ profile: 'msm8974-emmc' }).connect(),
      'emmc',
      1048576,
    );
    expect(client.negotiated?.payloadToTarget).toBe(16384);
  });

  it('negotiates the payload up to what the programmer supports (9x07: 16384)', async () => {
    const client = await session(new SimulatedModem({ profile: 'eg25g' }).connect(), 'nand', 16384);
    expect(client.negotiated).toMatchObject({
      payloadToTarget: 16384,
      targetName: '9x07',
      memoryName: 'NAND',
    });
  });

  it('announces functions in both real forms (9x07 single line, SDX list)', async () => {
    const nine = await session(new SimulatedModem({ profile: 'eg25g' }).connect(), 'nand');
    expect([...nine.functions].sort()).toEqual([
      'configure',
      'erase',
      'getstorageinfo',
      'nop',
      'power',
      'program',
      'read',
    ]);
    const sdx = await session(new SimulatedModem({ profile: 'rm500q' }).connect(), 'nand');
    expect(sdx.functions.size).toBe(15);
  });
});
