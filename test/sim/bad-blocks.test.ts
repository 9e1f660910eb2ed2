/**
 * NAND bad blocks on the EM20 profile (two, inside its NON-HLOS and sysfs images): the simulated programmer skips
 * them for program, read and digest the way the NAND programmer does (the data moves on to
 * the next good block), and erases leave them alone. Checked with the naive host, against
 * the physical pages and an independent SHA-256.
 */
import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import { buildTestProgrammer, SimulatedModem } from '../../src/sim/index.js';
import { bootProgrammer, drain, logs, texts, xml } from './host-script.js';

const PAGE = 4096;
const PPB = 64;
const range = (tag: string, block: number, pages: number): string =>
  `<${tag} PAGES_PER_BLOCK="${PPB}" SECTOR_SIZE_IN_BYTES="${PAGE}" num_partition_sectors="${pages}" physical_partition_number="0" start_sector="${block * PPB}" />`;

it('program, read and digest skip a bad block; erase leaves it alone', async () => {
  const modem = new SimulatedModem({ profile: 'em20' });
  const bad = modem.profile.storage.badBlocks?.[0] ?? -1;
  expect(bad).toBeGreaterThan(0);
  const link = modem.connect();
  await bootProgrammer(link, buildTestProgrammer());
  const pages = 2 * PPB + 10; // from the block before the bad one, across it
  const data = Uint8Array.from({ length: pages * PAGE }, (_, i) => (i * 7 + (i >> 12)) & 0xff);
  expect(logs(await xml(link, range('erase', bad - 1, 4 * PPB)))).not.toContain('ERROR');
  await xml(link, range('program', bad - 1, pages));
  await link.write(data, { timeoutMs: 2000 });
  expect(texts(await drain(link)).join('')).toContain('value="ACK"');
  // Physically: the block before, then the two after; the bad block never written.
  const physical = Buffer.concat([
    modem.storage.export(0, (bad - 1) * PPB, PPB),
    modem.storage.export(0, (bad + 1) * PPB, pages - PPB),
  ]);
  expect(physical.equals(Buffer.from(data))).toBe(true);
  expect(modem.storage.export(0, bad * PPB, PPB).every((b) => b === 0xff)).toBe(true);
  // Read back through the same range gives the data, skipping the same block.
  await link.write(
    new TextEncoder().encode(`<?xml version="1.0" ?><data>${range('read', bad - 1, pages)}</data>`),
    {
      timeoutMs: 500,
    },
  );
  const back = Buffer.concat(
    (await drain(link, 100)).filter((t) => !texts([t])[0]?.startsWith('<?xml')),
  );
  expect(back.equals(Buffer.from(data))).toBe(true);
  const digest = logs(await xml(link, range('getsha256digest', bad - 1, pages))).join(' ');
  expect(digest).toContain(createHash('sha256').update(data).digest('hex').toUpperCase());
});
