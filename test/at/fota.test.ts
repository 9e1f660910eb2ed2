import { describe, expect, it } from 'vitest';
import {
  AtPort,
  deltaUpdate,
  identifyModem,
  qfuplChecksum,
  type FotaProgress,
} from '../../src/at/index.js';
import { SimulatedModem } from '../../src/sim/index.js';
import { AtError } from '../../src/errors.js';

/** A delta file of `n` bytes with a non-repeating pattern, so a flipped byte changes the checksum. */
function delta(n: number): Uint8Array {
  const d = new Uint8Array(n);
  for (let i = 0; i < n; i++) d[i] = (i * 131 + (i >> 8)) & 0xff;
  return d;
}

const newer = { revision: 'EG25GGBR07A08M2G', fullRevision: 'EG25GGBR07A08M2G_30.007.30.007' };

describe('AT+QFUPL checksum', () => {
  it('is the XOR of big-endian 16-bit words, an odd last byte padded with zero', () => {
    expect(qfuplChecksum(Uint8Array.from([0x12, 0x34, 0x56, 0x78]))).toBe(0x1234 ^ 0x5678);
    expect(qfuplChecksum(Uint8Array.from([0x12, 0x34, 0xab]))).toBe(0x1234 ^ 0xab00);
    expect(qfuplChecksum(new Uint8Array(0))).toBe(0);
  });
});

describe('delta update over AT (DFOTA) on the simulator', () => {
  it('uploads in ack mode, checks the checksum, applies, and the modem then reports the new build', async () => {
    const modem = new SimulatedModem({
      profile: 'eg25g',
      state: 'normal',
      afterUpdateRevision: newer,
    });
    const port = new AtPort(modem.connect());
    const data = delta(5000); // four full 1 KiB blocks, each acknowledged, and a short one
    const progress: FotaProgress[] = [];
    await deltaUpdate(port, 'delta.zip', data, {
      onProgress: (p) => progress.push(p),
      updateTimeoutMs: 5000,
    });
    expect(
      progress.filter((p) => p.phase === 'upload').map((p) => p.phase === 'upload' && p.bytesDone),
    ).toEqual([1024, 2048, 3072, 4096, 5000]);
    expect(
      progress
        .filter((p) => p.phase === 'updating')
        .map((p) => p.phase === 'updating' && p.percent),
    ).toEqual([10, 40, 70, 100]);
    expect([...(modem.ufsFiles.get('delta.zip') ?? [])]).toEqual([...data]);
    expect((await identifyModem(port)).fullRevision).toBe(newer.fullRevision);
  });

  it('a corrupted upload is caught by the checksum: nothing is applied and the copy is deleted', async () => {
    const modem = new SimulatedModem({
      profile: 'eg25g',
      state: 'normal',
      afterUpdateRevision: newer,
      faults: { fotaCorruptUpload: true },
    });
    const port = new AtPort(modem.connect());
    const e = await deltaUpdate(port, 'delta.zip', delta(3000)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AtError);
    expect(e).toMatchObject({
      code: 'QFH_FOTA_CHECKSUM',
      message: expect.stringMatching(/nothing was applied/),
    });
    expect(modem.ufsFiles.size).toBe(0);
    expect((await identifyModem(port)).fullRevision).toBe('EG25GGBR07A08M2G_30.006.30.006');
  });

  it('a FOTA error code from the module becomes a typed error; the module keeps its firmware', async () => {
    const modem = new SimulatedModem({
      profile: 'eg25g',
      state: 'normal',
      afterUpdateRevision: newer,
      faults: { fotaErrorCode: 504 },
    });
    const port = new AtPort(modem.connect());
    await expect(
      deltaUpdate(port, 'delta.zip', delta(2048), { updateTimeoutMs: 5000 }),
    ).rejects.toMatchObject({
      code: 'QFH_FOTA_FAILED',
      message: expect.stringMatching(/error 504/),
      hint: expect.stringMatching(/exact firmware/),
    });
    expect((await identifyModem(port)).fullRevision).toBe('EG25GGBR07A08M2G_30.006.30.006');
  });

  it('times out with a typed error when the module never reports the end', async () => {
    const modem = new SimulatedModem({ profile: 'eg25g', state: 'normal' });
    const port = new AtPort(modem.connect());
    await expect(
      deltaUpdate(port, 'delta.zip', delta(10), { updateTimeoutMs: 1 }),
    ).rejects.toMatchObject({
      code: 'QFH_AT_TIMEOUT',
      hint: expect.stringMatching(/do not power it off/),
    });
  });
});
