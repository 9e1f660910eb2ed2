/** A short real host session (Sahara upload, banner, configure, erase, program) for capture tests. */
import { openFirehoseSession } from '../../src/session/index.js';
import { buildTestProgrammer } from '../../src/sim/index.js';
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
  const { client } = await openFirehoseSession(transport, {
    storage: 'nand',
    programmer: memorySource(programmer),
    timeouts: { configure: 300, firehoseStartup: 300 },
  });
  await client.erase(SESSION_RANGE);
  await client.program(
    SESSION_RANGE,
    (async function* () {
      yield new Uint8Array(64 * 2048).fill(fill);
    })(),
  );
}
