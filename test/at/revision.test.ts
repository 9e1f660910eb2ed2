import { describe, expect, it } from 'vitest';
import {
  compareBuilds,
  parseFirmwareIdentity,
  type FirmwareIdentity,
} from '../../src/quectel-revision.js';

/** Every revision string and package name in research/modem.md §3 and captures.md, read by hand. */
const TABLE: [string, Partial<FirmwareIdentity>][] = [
  [
    'EG25GGBR07A08M2G',
    {
      variant: 'EG25GGB',
      model: 'EG25G',
      region: 'GB',
      release: 7,
      minor: 8,
      nand: 'M2G',
      build: undefined,
    },
  ],
  [
    'EG25GGCR07A02M1G',
    { variant: 'EG25GGC', model: 'EG25G', region: 'GC', release: 7, minor: 2, nand: 'M1G' },
  ],
  [
    'EG25GGCR07A02M1G_30.202.30.202',
    { variant: 'EG25GGC', build: '30.202.30.202', abnormalBuild: false },
  ],
  ['EG25GGBR07A08M2G_30.006.30.006', { variant: 'EG25GGB', build: '30.006.30.006' }],
  ['EG25GGBR07A07M2G_01.001.02', { variant: 'EG25GGB', release: 7, minor: 7, build: '01.001.02' }],
  [
    'EC25EFAR06A08M4G',
    { variant: 'EC25EFA', model: 'EC25E', region: 'FA', release: 6, minor: 8, nand: 'M4G' },
  ],
  ['EC25EFAR04A02M4G_SKT', { variant: 'EC25EFA', release: 4, minor: 2, tags: ['SKT'] }],
  [
    'EC20CEFAGR06A16M4G',
    { variant: 'EC20CEFAG', model: 'EC20CE', region: 'FAG', release: 6, minor: 16 },
  ],
  [
    'EM20GRAR01A04V01M4G',
    { variant: 'EM20GRA', model: 'EM20', release: 1, minor: 4, extra: 'V01', nand: 'M4G' },
  ],
  [
    'RM500QGLABR11A06M4G',
    { variant: 'RM500QGLAB', model: 'RM500Q', region: 'GLAB', release: 11, minor: 6 },
  ],
  [
    'RM500QGLAAR01A01M4G_BETA_20200428F',
    { variant: 'RM500QGLAA', release: 1, minor: 1, tags: ['BETA', '20200428F'], build: undefined },
  ],
  ['RM500QGLAAR01A01M4G_BETA_20200316F', { variant: 'RM500QGLAA', tags: ['BETA', '20200316F'] }],
  ['RM520NGLAAR03A03M4G', { variant: 'RM520NGLAA', model: 'RM520N', release: 3, minor: 3 }],
  ['RM520NGLAAR03A03M4G_04.211.04.211', { build: '04.211.04.211' }],
  ['RM520NGLAAR03A03M4G_01.201.01.201.zip', { variant: 'RM520NGLAA', build: '01.201.01.201' }],
  ['RM520NGLAAR01A07M4G', { release: 1, minor: 7 }],
  [
    'RM502QAEAAR13A04M4G',
    { variant: 'RM502QAEAA', model: 'RM502Q', region: 'AEAA', release: 13, minor: 4 },
  ],
  ['RM502QAEAAR13A04M4G_01.203.01.203', { build: '01.203.01.203' }],
  ['RG500QEAAAR11A07M4G_ACY', { variant: 'RG500QEAAA', model: 'RG500Q', tags: ['ACY'] }],
  ['EM120RGLAPR02A07M4G', { variant: 'EM120RGLAP', model: 'EM120R', release: 2, minor: 7 }],
  ['EM120RGLAPR02A07M4G_10.010.10.010', { build: '10.010.10.010' }],
  [
    'EM061KGLAAR01A02M2G_01.013.01.013',
    { variant: 'EM061KGLAA', model: 'EM061K', nand: 'M2G', build: '01.013.01.013' },
  ],
  [
    'EM05GFAR07A07M1G_01.016.01.016',
    { variant: 'EM05GFA', model: 'EM05G', build: '01.016.01.016', abnormalBuild: false },
  ],
  ['EM05GFAR07A07M1G_01.016.00.000', { build: '01.016.00.000', abnormalBuild: true }],
  ['EG18EAPAR01A08M4G', { variant: 'EG18EAPA', model: 'EG18', region: 'EAPA', build: undefined }],
  ['AG590ECNABR01A01M8G', { variant: 'AG590ECNAB', model: 'AG590E', nand: 'M8G' }],
];

describe('Quectel revision strings and package names (research/modem.md §3)', () => {
  it.each(TABLE)('%s', (text, expected) => {
    expect(parseFirmwareIdentity(text)).toMatchObject(expected);
  });

  it('reads a package folder path and refuses what is not a Quectel identity', () => {
    expect(parseFirmwareIdentity('/mnt/RM500QGLAAR01A01M4G_BETA_20200428F')?.variant).toBe(
      'RM500QGLAA',
    );
    expect(parseFirmwareIdentity('v09')).toBeUndefined();
    expect(parseFirmwareIdentity('firmware')).toBeUndefined();
  });

  it('orders builds', () => {
    expect(compareBuilds('30.006.30.006', '30.007.30.007')).toBeLessThan(0);
    expect(compareBuilds('01.201.01.201', '01.201.01.201')).toBe(0);
    expect(compareBuilds('04.211.04.211', '01.201.01.201')).toBeGreaterThan(0);
  });
});
