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

it('skips bad NAND blocks when programming, as the NAND programmer does', () => {
  const modem = new SimulatedModem({
    profile: {
      ...new SimulatedModem().profile,
      partitionTable: undefined,
      storage: {
        kind: 'nand',
        sectorSize: 2048,
        pagesPerBlock: 64,
        lunSectors: [64 * 8],
        badBlocks: [1],
      },
    },
  });
  modem.storage.write(0, 60, new Uint8Array(8 * 2048).fill(0x11));
  const image = modem.storage.export(0);
  expect(image.subarray(60 * 2048, 64 * 2048).every((b) => b === 0x11)).toBe(true);
  expect(image.subarray(64 * 2048, 128 * 2048).every((b) => b === 0xff)).toBe(true);
  expect(image.subarray(128 * 2048, 132 * 2048).every((b) => b === 0x11)).toBe(true);
  modem.storage.erase(0, 0, 64 * 8);
  expect(modem.storage.export(0).every((b) => b === 0xff)).toBe(true);
});
