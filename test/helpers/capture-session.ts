/** A short real host session (Sahara upload, banner, configure, erase, program) for capture tests. */
import { uploadProgrammer } from '../../src/sahara/index.js';
import { FirehoseClient } from '../../src/firehose/index.js';
import { buildTestProgrammer } from '../../src/sim/index.js';
import { timeoutsFor } from '../../src/timeouts.js';
import type { Transport } from '../../src/transport/transport.js';
import { memorySource } from './sources.js';

const programmer = buildTestProgrammer();

/** NAND range the session erases and programs. */
export const SESSION_RANGE = {
  sectorSizeInBytes: 2048,
  pagesPerBlock: 64,
  numPartitionSectors: 64,
  startSector: 640,
};

/** Runs the session over `transport`, programming `fill` bytes. */
export async function shortSession(transport: Transport, fill = 0x11): Promise<void> {
  await uploadProgrammer(transport, memorySource(programmer));
  const client = new FirehoseClient(transport, {
    timeouts: timeoutsFor('nand', { configure: 300, firehoseStartup: 300 }),
  });
  await client.readBanner(20);
  await client.configure({ memoryName: 'nand', maxPayload: 8192 });
  await client.erase(SESSION_RANGE);
  await client.program(
    SESSION_RANGE,
    (async function* () {
      yield new Uint8Array(64 * 2048).fill(fill);
    })(),
  );
}
