/** One session that every transport backend must carry on every profile: upload, configure, erase, program, read back, digest. */
import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import { openFirehoseSession } from '../../src/session/index.js';
import { buildTestProgrammer, type DeviceProfile } from '../../src/sim/index.js';
import type { Transport } from '../../src/transport/transport.js';
import { memorySource } from './sources.js';

const programmer = buildTestProgrammer();

/** Runs the session; returns the bytes it programmed and where. */
export async function exercise(
  transport: Transport,
  profile: DeviceProfile,
): Promise<{ start: number; data: Uint8Array }> {
  const kind = profile.storage.kind;
  const { client } = await openFirehoseSession(transport, {
    storage: kind,
    programmer: memorySource(programmer),
    timeouts: { firehoseStartup: 3000, configure: 1000 },
  });
  const size = profile.storage.sectorSize;
  const ppb = profile.storage.pagesPerBlock;
  const start = ppb ? ppb * 20 : 200;
  const sectors = ppb ?? 48;
  const range = {
    sectorSizeInBytes: size,
    numPartitionSectors: sectors,
    startSector: start,
    ...(ppb ? { pagesPerBlock: ppb } : {}),
  };
  const data = Uint8Array.from({ length: sectors * size }, (_, i) => (i * 11 + size) & 0xff);
  if (ppb) await client.erase(range);
  await client.program(
    range,
    (async function* () {
      for (let at = 0; at < data.length; at += 5000) yield data.subarray(at, at + 5000);
    })(),
  );
  const back: Uint8Array[] = [];
  await client.read(range, (p) => void back.push(Uint8Array.from(p)));
  expect(Buffer.concat(back).equals(Buffer.from(data))).toBe(true);
  // The programmer's digest must be the digest of the bytes sent, computed here independently.
  if (client.supports('getsha256digest') === 'yes')
    expect(await client.sha256(range)).toBe(createHash('sha256').update(data).digest('hex'));
  await client.erase(range);
  const erased: Uint8Array[] = [];
  await client.read(range, (p) => void erased.push(Uint8Array.from(p)));
  expect(Buffer.concat(erased).every((b) => b === (kind === 'nand' ? 0xff : 0))).toBe(true);
  return { start, data };
}
