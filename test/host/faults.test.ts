import { describe, expect, it } from 'vitest';
import { buildTestProgrammer, SimulatedModem, type FaultPlan } from '../../src/sim/index.js';
import { saharaTimeouts, uploadProgrammer } from '../../src/sahara/index.js';
import type { FirehoseClient } from '../../src/firehose/index.js';
import { openFirehoseSession } from '../../src/session/index.js';
import { QfhError, TransportTimeoutError } from '../../src/errors.js';
import type { Transport } from '../../src/transport/transport.js';
import { Counting } from '../helpers/counting.js';
import { memorySource } from '../helpers/sources.js';

const programmerBytes = buildTestProgrammer();
const programmer = memorySource(programmerBytes);
const T = {
  firehoseStartup: 300,
  configure: 200,
  programAck: 200,
  rawData: 300,
  programFinal: 300,
  erase: 200,
  command: 200,
};

/** Firehose commands the session start sends (configure, getstorageinfo): faults count from here. */
const AFTER_START = 2;

async function ready(
  faults: FaultPlan,
  profile = 'eg25g',
): Promise<{ client: FirehoseClient; transport: Counting; modem: SimulatedModem }> {
  const modem = new SimulatedModem({ profile, faults });
  const transport = new Counting(modem.connect());
  const { client } = await openFirehoseSession(transport, {
    storage: 'nand',
    programmer,
    timeouts: T,
  });
  return { client, transport, modem };
}

const range = {
  sectorSizeInBytes: 2048,
  pagesPerBlock: 64,
  numPartitionSectors: 64,
  startSector: 640,
};
async function* bytes(n: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < n; at += 4096) yield new Uint8Array(Math.min(4096, n - at)).fill(0x42);
}

/** Runs `action`, expects a QfhError with `code` (not a hang: the test's own timeout), and no write after it. */
async function failsWith(
  transport: Counting,
  action: () => Promise<unknown>,
  code: string,
): Promise<QfhError> {
  const error = await action().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(QfhError);
  expect((error as QfhError).code).toBe(code);
  expect((error as QfhError).hint.length).toBeGreaterThan(10);
  const writes = transport.writes;
  await new Promise((r) => setTimeout(r, 50));
  expect(transport.writes).toBe(writes);
  return error as QfhError;
}

describe('host Firehose client under each simulator fault: the right typed error, in time, nothing written after', () => {
  it('disconnect in the middle of program data', async () => {
    const { client, transport } = await ready({
      disconnectAtHostByte: programmerBytes.length + 60_000,
    });
    await failsWith(
      transport,
      () => client.program(range, bytes(64 * 2048)),
      'QFH_TRANSPORT_DISCONNECTED',
    );
  });

  it('NAK: FirehoseNakError with the command and the programmer logs', async () => {
    const { client, transport } = await ready({ nakCommand: AFTER_START });
    const e = await failsWith(transport, () => client.erase(range), 'QFH_FIREHOSE_NAK');
    expect(e.message).toContain('<erase>');
    expect((e as unknown as { logs: string[] }).logs).toEqual(['injected failure for erase']);
  });

  it('timeout: no answer at all', async () => {
    const { client, transport } = await ready({ silentCommand: AFTER_START });
    await failsWith(transport, () => client.nop(), 'QFH_FIREHOSE_TIMEOUT');
  });

  it('garbage reply', async () => {
    const { client, transport } = await ready({ garbageCommand: AFTER_START });
    await failsWith(transport, () => client.nop(), 'QFH_FIREHOSE_XML_MALFORMED');
  });

  it('truncated reply: the document never completes, so it times out', async () => {
    const { client, transport } = await ready({ truncateCommand: AFTER_START });
    await failsWith(transport, () => client.nop(), 'QFH_FIREHOSE_TIMEOUT');
  });

  it('power loss during a program: disconnect error, the device is off', async () => {
    const { client, transport, modem } = await ready({ powerLossAtProgramByte: 10_000 });
    await failsWith(
      transport,
      () => client.program(range, bytes(64 * 2048)),
      'QFH_TRANSPORT_DISCONNECTED',
    );
    expect(modem.state).toBe('off');
  });
});

describe('host Firehose client under harmless simulator faults: the data still lands', () => {
  it('short reads, late logs and late ZLPs are not errors: the data still lands', async () => {
    for (const faults of [
      { shortReadBytes: 5 },
      { logsAfterResponse: true },
      { zlpStallMs: 30 },
    ] satisfies FaultPlan[]) {
      const { client, modem } = await ready(faults, 'rm500q');
      const r = {
        sectorSizeInBytes: 4096,
        pagesPerBlock: 64,
        numPartitionSectors: 3,
        startSector: 64,
      };
      await client.program(r, bytes(3 * 4096));
      const back: Uint8Array[] = [];
      await client.read(r, (p) => void back.push(Uint8Array.from(p)));
      expect(Buffer.concat(back).every((b) => b === 0x42)).toBe(true);
      expect(modem.storage.export(0, 64, 3).every((b) => b === 0x42)).toBe(true);
    }
  });
});

describe('host Sahara client under each simulator fault: the right typed error, in time, nothing written after', () => {
  it('rejected programmer: the PBL status by its real name', async () => {
    const modem = new SimulatedModem({
      profile: 'eg25g',
      faults: { rejectProgrammerStatus: 0x21 },
    });
    const transport = new Counting(modem.connect());
    const e = await failsWith(
      transport,
      () => uploadProgrammer(transport, programmer),
      'QFH_SAHARA_REJECTED',
    );
    expect(e.message).toContain('NAK_HASH_TABLE_AUTH_FAILURE (0x21');
  });

  it('no HELLO at all, even after RESET_STATE_MACHINE', async () => {
    const silent: Transport = {
      description: 'silent',
      read: async (_n, o) => {
        await new Promise((r) => setTimeout(r, Math.min(o.timeoutMs, 50)));
        throw new TransportTimeoutError('silent: nothing');
      },
      write: async () => undefined,
      close: async () => undefined,
    };
    const transport = new Counting(silent);
    await failsWith(
      transport,
      () =>
        uploadProgrammer(transport, programmer, { timeouts: saharaTimeouts({ saharaHello: 100 }) }),
      'QFH_SAHARA_NO_HELLO',
    );
    expect(transport.writes).toBe(1);
  });
});
