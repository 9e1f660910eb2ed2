import { describe, expect, it } from 'vitest';
import { buildTestProgrammer, PROFILES, SimulatedModem } from '../../src/sim/index.js';
import { SaharaStatus } from '../../src/sahara/index.js';
import { readPacket, sendPacket, upload } from './host-script.js';

const Z6 = [0, 0, 0, 0, 0, 0] as const;
const programmer = buildTestProgrammer();

describe('simulated PBL: programmer upload, read as real PBLs read it', () => {
  for (const id of PROFILES.keys()) {
    it(`${id}: accepts a built test programmer over READ_DATA${PROFILES.get(id)?.sahara.readData64 ? '_64' : ''}`, async () => {
      const modem = new SimulatedModem({ profile: id });
      const link = modem.connect();
      const hello = await readPacket(link);
      expect(hello).toMatchObject({
        type: 'hello',
        version: PROFILES.get(id)?.sahara.version,
        versionSupported: 1,
        maxCommandLength: 0x400,
        mode: 0,
      });
      const { status, reads } = await upload(link, programmer, hello);
      expect(status).toBe(0);
      expect(reads.length).toBeGreaterThan(40);
    });
  }

  it('requests the image as real PBLs do: ELF header, program headers, hash segment, 4 KiB reads with odd tails', async () => {
    const modem = new SimulatedModem({ profile: 'rm500q' });
    const { reads } = await upload(modem.connect(), programmer);
    expect(reads.slice(0, 4)).toEqual([
      [0, 0x34],
      [0x34, 0x80],
      [0x1000, 0x1000],
      [0x2000, 0x9d0],
    ]);
    expect(reads.every(([, len]) => len <= 0x1000)).toBe(true);
    const odd = reads.filter(([, len]) => len !== 0x1000 && len % 0x100 !== 0);
    expect(odd.length).toBeGreaterThanOrEqual(2);
    const afterTail = reads.find(([off]) => off % 0x1000 !== 0 && off > 0x3000);
    expect(afterTail).toBeDefined();
  });

  it('reads out of file order on a profile that does (MSM8953-style), and still accepts', async () => {
    const modem = new SimulatedModem({ profile: 'msm8974-emmc' });
    const { reads, status } = await upload(modem.connect(), programmer);
    expect(status).toBe(0);
    const offsets = reads.map(([o]) => o);
    expect(offsets.slice(4).some((o, i) => o < (offsets[3 + i] ?? 0))).toBe(true);
  });
});

describe('simulated PBL: programmer upload of a damaged image fails with the real status', () => {
  it.each([
    [
      'a corrupted segment',
      'NAK_HASH_VERIFICATION_FAILURE',
      (p: Uint8Array) => ((p[0x5000] = (p[0x5000] ?? 0) ^ 1), p),
    ],
    [
      'a wrong hash',
      'NAK_HASH_VERIFICATION_FAILURE',
      (p: Uint8Array) => ((p[0x1000 + 40 + 2 * 32] = (p[0x1000 + 40 + 2 * 32] ?? 0) ^ 1), p),
    ],
    [
      'a wrong hash table size',
      'NAK_INVALID_IMG_HASH_TABLE_SIZE',
      (p: Uint8Array) => (new DataView(p.buffer).setUint32(0x1000 + 20, 7, true), p),
    ],
    ['a non-ELF file', 'NAK_INVALID_ELF_HDR', (p: Uint8Array) => (p.set([0x4d, 0x5a, 0, 0]), p)],
    [
      'no hash segment',
      'NAK_HASH_TABLE_NOT_FOUND',
      (p: Uint8Array) => (new DataView(p.buffer).setUint32(0x34 + 32 + 24, 0, true), p),
    ],
  ])(
    'fails %s with %s',
    async (_name: string, statusName: string, damage: (p: Uint8Array) => Uint8Array) => {
      const modem = new SimulatedModem({ profile: 'eg25g' });
      const { status } = await upload(modem.connect(), damage(Uint8Array.from(programmer)));
      expect(status).toBe(SaharaStatus[statusName]);
    },
  );

  it('a 64-bit ELF on a 32-bit PBL fails with NAK_INVALID_ELF_HDR', async () => {
    const p = Uint8Array.from(programmer);
    p[4] = 2;
    const { status } = await upload(new SimulatedModem({ profile: 'eg25g' }).connect(), p);
    expect(status).toBe(SaharaStatus['NAK_INVALID_ELF_HDR']);
  });
});

describe('simulated PBL: after the upload, DONE and the programmer banner', () => {
  it('answers DONE with DONE_RESP complete, then the programmer banner follows about a second later', async () => {
    const modem = new SimulatedModem({ profile: 'eg25g' });
    const link = modem.connect();
    await upload(link, programmer);
    await sendPacket(link, { type: 'done' });
    expect(await readPacket(link)).toEqual({ type: 'doneResponse', imageTxStatus: 1 });
    // Real programmers start talking ≈1 s after DONE (RM500Q: DONE 004.164, banner 005.185).
    await expect(link.read(4096, { timeoutMs: 800 })).rejects.toMatchObject({
      code: 'QFH_TRANSPORT_TIMEOUT',
    });
    const banner = new TextDecoder().decode(await link.read(4096, { timeoutMs: 3000 }));
    expect(banner).toBe(
      '<?xml version="1.0" encoding="UTF-8" ?>\n<data>\n<log value="Supported Functions: program configure power read getstorageinfo erase nop "/></data>',
    );
  });
});

describe('simulated PBL: command mode', () => {
  it('serves serial (4 bytes), HW ID (0x18 bytes) and PK hash (0x60 bytes), then SWITCH_MODE gives HELLO in that mode', async () => {
    const modem = new SimulatedModem({ profile: 'eg25g' });
    const link = modem.connect();
    await readPacket(link);
    await sendPacket(link, {
      type: 'helloResponse',
      version: 2,
      versionSupported: 1,
      status: 0,
      mode: 3,
      reserved: Z6,
    });
    expect(await readPacket(link)).toEqual({ type: 'commandReady' });
    const lengths: number[] = [];
    for (const command of [1, 2, 3]) {
      await sendPacket(link, { type: 'execute', clientCommand: command });
      const rsp = await readPacket(link);
      expect(rsp).toMatchObject({ type: 'executeResponse', clientCommand: command });
      await sendPacket(link, { type: 'executeData', clientCommand: command });
      lengths.push((await link.read(4096, { timeoutMs: 200 })).length);
    }
    expect(lengths).toEqual([4, 0x18, 0x60]);
    await sendPacket(link, { type: 'switchMode', mode: 0 });
    expect(await readPacket(link)).toMatchObject({ type: 'hello', mode: 0 });
  });

  it('a v3 PBL refuses MSM_HW_ID_READ with END_IMAGE_TX NAK_EXEC_CMD_UNSUPPORTED', async () => {
    const link = new SimulatedModem({ profile: 'rg255c' }).connect();
    expect(await readPacket(link)).toMatchObject({ type: 'hello', version: 3 });
    await sendPacket(link, {
      type: 'helloResponse',
      version: 3,
      versionSupported: 1,
      status: 0,
      mode: 3,
      reserved: Z6,
    });
    await readPacket(link);
    await sendPacket(link, { type: 'execute', clientCommand: 2 });
    expect(await readPacket(link)).toEqual({
      type: 'endImageTx',
      imageId: 13,
      status: SaharaStatus['NAK_EXEC_CMD_UNSUPPORTED'],
    });
  });

  it('answers garbage with END_IMAGE_TX NAK_INVALID_CMD, and RESET_STATE_MACHINE with a fresh HELLO', async () => {
    const link = new SimulatedModem({ profile: 'eg25g' }).connect();
    await readPacket(link);
    await link.write(new TextEncoder().encode('<?xml version="1.0" ?><data><nop /></data>'), {
      timeoutMs: 100,
    });
    expect(await readPacket(link)).toEqual({ type: 'endImageTx', imageId: 13, status: 1 });
    await sendPacket(link, { type: 'resetStateMachine' });
    expect(await readPacket(link)).toMatchObject({ type: 'hello', mode: 0 });
  });
});
