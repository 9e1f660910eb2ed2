import { expect, it } from 'vitest';
import { buildMibib, EG25G_PARTITIONS, SimulatedModem } from '../../src/sim/index.js';
import { parseMibib } from '../../src/package/index.js';
import { describeReal, realBytes } from '../helpers/real.js';

describeReal('the EG25-G profile carries the real partition table', () => {
  it('builds, from the partition list, exactly the bytes of the real 30.006 partition_complete_p2K_b128K.mbn', () => {
    const real = realBytes('quectel-eg25g-30.006', 'partition_complete_p2K_b128K.mbn');
    expect(Buffer.from(buildMibib(EG25G_PARTITIONS)).equals(real)).toBe(true);
  });
});

it('a new EG25-G modem holds that table at block 5 (sector 640), readable by the package decoder', () => {
  const modem = new SimulatedModem({ profile: 'eg25g' });
  const table = parseMibib(modem.storage.export(0, 640, 4));
  expect(table.checksum?.matches).toBe(true);
  expect(table.partitions.at(-1)).toMatchObject({
    name: '0:system',
    offsetBlocks: 1458,
    lengthBlocks: 590,
  });
  expect(
    new SimulatedModem({ profile: 'rm500q' }).storage.export(0, 256, 4).every((b) => b === 0xff),
  ).toBe(true);
});
