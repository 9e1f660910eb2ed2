import { describe, expect, it } from 'vitest';
import {
  readCapture,
  RecordingTransport,
  ReplayMismatchError,
  ReplayTransport,
  convertQFirehoseLog,
} from '../../src/capture/index.js';
import { buildTestProgrammer, SimulatedModem } from '../../src/sim/index.js';
import { openFirehoseSession } from '../../src/session/index.js';
import type { Transport } from '../../src/transport/transport.js';
import { memorySource } from '../helpers/sources.js';

const programmer = buildTestProgrammer();
const range = {
  sectorSizeInBytes: 2048,
  pagesPerBlock: 64,
  numPartitionSectors: 64,
  startSector: 640,
};

async function session(transport: Transport, fill: number): Promise<void> {
  const { client } = await openFirehoseSession(transport, {
    storage: 'nand',
    programmer: memorySource(programmer),
    timeouts: { configure: 300, firehoseStartup: 300 },
  });
  await client.erase(range);
  await client.program(
    range,
    (async function* () {
      yield new Uint8Array(64 * 2048).fill(fill);
    })(),
  );
}

describe('captures: recording a session and replaying it', () => {
  it('records a simulated session as JSON Lines and replays it against the same host actions', async () => {
    const lines: string[] = [];
    await session(
      new RecordingTransport(new SimulatedModem({ profile: 'eg25g' }).connect(), (l) =>
        lines.push(l),
      ),
      0x11,
    );
    const { header, steps } = readCapture(lines.join('\n'));
    expect(header).toMatchObject({
      format: 'qfh-capture',
      version: 1,
      device: 'sim eg25g 05c6:9008',
    });
    expect(steps.filter((s) => s.dir === 'out').length).toBeGreaterThan(60);
    expect(JSON.parse(lines[1] ?? '{}')).toEqual({
      t: expect.any(Number),
      dir: 'in',
      data: expect.any(String),
    });
    const replay = new ReplayTransport(steps);
    await session(replay, 0x11);
    expect(replay.remaining).toBe(0);
  });

  it('fails on the first host transfer that differs, and stays failed', async () => {
    const lines: string[] = [];
    await session(
      new RecordingTransport(new SimulatedModem({ profile: 'eg25g' }).connect(), (l) =>
        lines.push(l),
      ),
      0x11,
    );
    const replay = new ReplayTransport(readCapture(lines.join('\n')).steps);
    const e = await session(replay, 0x22).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ReplayMismatchError);
    expect((e as ReplayMismatchError).message).toMatch(/host byte 0 is 0x22, the capture has 0x11/);
    await expect(replay.write(new Uint8Array(1))).rejects.toBeInstanceOf(ReplayMismatchError);
  });
});

describe('captures: reading capture files and converting QFirehose logs', () => {
  it('rejects a file that is not a capture with a one-line reason', () => {
    expect(() => readCapture('{"format":"pcap"}')).toThrow(/not a qfh capture/);
    expect(() => readCapture('{"format":"qfh-capture","version":1}\n{"dir":"sideways"}')).toThrow(
      /line 2 lacks dir\/data/,
    );
  });

  it('converts a QFirehose log: READ_DATA triples, statuses, host commands, raw byte counts', () => {
    const log = [
      '[006.543] 0x0000000d 0x00000000 0x00000034',
      '[006.608] image_id = 13, status = 0',
      '[006.609] image_tx_status = 1',
      '[004.479]: <configure MemoryName="nand" MaxPayloadSizeToTargetInBytes="8192" />',
      '[004.479]: <response value="ACK" MemoryName="NAND" />',
      '[006.739]: <program PAGES_PER_BLOCK="64" SECTOR_SIZE_IN_BYTES="2048" filename="x.mbn" num_partition_sectors="4" physical_partition_number="0" start_sector="640"/>',
      '[006.740]: <log value="INSIDE HANDLE PROGRAM"/>',
      '[006.740]: <response value="ACK" rawmode="true" />',
      '[006.740]: send x.mbn, filesize=8192',
      '[006.742]: <response value="ACK" rawmode="false" />',
    ].join('\r\n');
    const s = convertQFirehoseLog(log);
    expect(s.steps.map((x) => x.dir)).toEqual([
      'in',
      'out-prefix',
      'in',
      'out-raw',
      'in',
      'out',
      'in',
      'out-xml',
      'in',
      'out-xml',
      'in',
      'in',
      'out-raw',
      'in',
    ]);
    expect(s.steps[12]).toEqual({ dir: 'out-raw', length: 8192 });
    expect(s.programmerSize).toBe(0x34);
    expect(s.commands.map((c) => c.tag)).toEqual(['configure', 'program']);
  });
});
