import { describe, expect, it } from 'vitest';
import {
  buildTestProgrammer,
  DIAG_EDL_FRAME,
  SimulatedModem,
  type FaultPlan,
  type SimLink,
} from '../../src/sim/index.js';
import { SaharaStatus } from '../../src/sahara/index.js';
import { TransportClosedError, TransportTimeoutError } from '../../src/errors.js';
import { bootProgrammer, drain, readPacket, responses, texts, upload, xml } from './host-script.js';

const programmer = buildTestProgrammer();
const CONFIGURE = '<configure MemoryName="nand" MaxPayloadSizeToTargetInBytes="8192" />';
const PROGRAM = (sectors: number, start = 0) =>
  `<program PAGES_PER_BLOCK="64" SECTOR_SIZE_IN_BYTES="2048" num_partition_sectors="${sectors}" physical_partition_number="0" start_sector="${start}" />`;

async function running(
  faults: FaultPlan,
  profile = 'eg25g',
): Promise<{ modem: SimulatedModem; link: SimLink }> {
  const modem = new SimulatedModem({ profile, faults });
  const link = modem.connect();
  await bootProgrammer(link, programmer);
  return { modem, link };
}

describe('fault injection, each as specified: disconnects and broken replies', () => {
  it('disconnect at host byte N: the link drops and further writes fail', async () => {
    const modem = new SimulatedModem({ profile: 'eg25g', faults: { disconnectAtHostByte: 1000 } });
    const link = modem.connect();
    await expect(upload(link, programmer)).rejects.toBeInstanceOf(TransportClosedError);
    expect(modem.state).toBe('gone');
    await expect(link.write(new Uint8Array(4), { timeoutMs: 100 })).rejects.toMatchObject({
      code: 'QFH_TRANSPORT_DISCONNECTED',
    });
  });

  it('disconnect at command K: command K is never answered and the device is gone', async () => {
    const { modem, link } = await running({ disconnectAtCommand: 1 });
    expect(responses(await xml(link, CONFIGURE))[0]?.value).toBe('ACK');
    await expect(xml(link, PROGRAM(1))).rejects.toMatchObject({
      code: 'QFH_TRANSPORT_DISCONNECTED',
    });
    expect(modem.state).toBe('gone');
    expect(modem.programmer).toBeUndefined();
  });

  it('NAK of command K', async () => {
    const { link } = await running({ nakCommand: 0 });
    expect(responses(await xml(link, CONFIGURE))[0]?.value).toBe('NAK');
    expect(responses(await xml(link, CONFIGURE))[0]?.value).toBe('ACK');
  });

  it('timeout: command K gets no answer at all, the link stays up', async () => {
    const { link } = await running({ silentCommand: 0 });
    await link.write(new TextEncoder().encode(`<?xml version="1.0" ?><data>${CONFIGURE}</data>`), {
      timeoutMs: 100,
    });
    await expect(link.read(4096, { timeoutMs: 60 })).rejects.toBeInstanceOf(TransportTimeoutError);
    expect(link.attached).toBe(true);
  });

  it('garbage reply to command K', async () => {
    const { link } = await running({ garbageCommand: 0 });
    const reply = await xml(link, CONFIGURE);
    expect(reply).toHaveLength(1);
    expect(reply[0]).not.toContain('<');
  });

  it('truncated reply to command K: the response is cut in half', async () => {
    const { link } = await running({ truncateCommand: 0 });
    const reply = await xml(link, CONFIGURE);
    const response = reply.find((t) => t.includes('<response'));
    expect(response).toBeDefined();
    expect(response).not.toContain('</data>');
  });
});

describe('fault injection, each as specified: short reads, late logs, late ZLPs', () => {
  it('short reads: no transfer is longer than the limit', async () => {
    const modem = new SimulatedModem({ profile: 'eg25g', faults: { shortReadBytes: 7 } });
    const link = modem.connect();
    const pieces = await drain(link);
    expect(pieces.map((p) => p.length)).toEqual([7, 7, 7, 7, 7, 7, 6]);
  });

  it('logs after the response', async () => {
    const { link } = await running({ logsAfterResponse: true }, 'rm500q');
    const reply = await xml(link, CONFIGURE);
    expect(reply.map((t) => (t.includes('<response') ? 'response' : 'log'))).toEqual([
      'response',
      'log',
      'log',
    ]);
  });

  it('ZLP stall: a zero-length transfer arrives late after rawmode="true"', async () => {
    const { link } = await running({ zlpStallMs: 50 });
    await link.write(new TextEncoder().encode(`<?xml version="1.0" ?><data>${PROGRAM(1)}</data>`), {
      timeoutMs: 100,
    });
    const got: string[] = [];
    const started = Date.now();
    for (
      let t = await link.read(4096, { timeoutMs: 500 });
      ;
      t = await link.read(4096, { timeoutMs: 500 })
    ) {
      got.push(
        t.length === 0
          ? 'ZLP'
          : new TextDecoder().decode(t).includes('rawmode="true"')
            ? 'ACK raw'
            : 'log',
      );
      if (t.length === 0) break;
    }
    expect(got).toEqual(['log', 'log', 'ACK raw', 'ZLP']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });
});

describe('fault injection, each as specified: Sahara faults, power loss, a slow device', () => {
  it('missed HELLO: nothing arrives until the host resets the state machine', async () => {
    const modem = new SimulatedModem({ profile: 'eg25g', faults: { missHello: true } });
    const link = modem.connect();
    await expect(link.read(4096, { timeoutMs: 50 })).rejects.toBeInstanceOf(TransportTimeoutError);
    await link.write(new Uint8Array([0x13, 0, 0, 0, 8, 0, 0, 0]), { timeoutMs: 100 });
    expect(await readPacket(link)).toMatchObject({ type: 'hello' });
  });

  it('programmer rejected: a valid programmer ends with the forced status', async () => {
    const modem = new SimulatedModem({
      profile: 'eg25g',
      faults: { rejectProgrammerStatus: SaharaStatus['NAK_HASH_TABLE_AUTH_FAILURE'] ?? 0x21 },
    });
    expect((await upload(modem.connect(), programmer)).status).toBe(0x21);
  });

  it('power loss during a NAND program leaves the page half programmed and the device off', async () => {
    const { modem, link } = await running({ powerLossAtProgramByte: 2048 + 1000 });
    await xml(link, CONFIGURE);
    await xml(link, PROGRAM(2, 64));
    await link.write(new Uint8Array(4096).fill(0x00), { timeoutMs: 100 }).catch(() => undefined);
    expect(modem.state).toBe('off');
    const pages = modem.storage.export(0, 64, 2);
    expect(pages.subarray(0, 2048).every((b) => b === 0)).toBe(true);
    expect(pages.subarray(2048, 3048).every((b) => b === 0)).toBe(true);
    expect(pages.subarray(3048).every((b) => b === 0xff)).toBe(true);
    modem.powerOn('edl');
    expect(modem.state).toBe('edl');
    expect(await readPacket(modem.connect())).toMatchObject({ type: 'hello' });
  });

  it('slow device: program data advances the device clock by the modelled time', async () => {
    const modem = new SimulatedModem({
      profile: 'eg25g',
      timing: { dataTimeScale: 1, overrides: { programBytesPerSecond: 200_000 } },
    });
    const link = modem.connect();
    await bootProgrammer(link, buildTestProgrammer());
    await xml(link, PROGRAM(10));
    await link.write(new Uint8Array(20480), { timeoutMs: 2000 });
    texts(await drain(link, 10));
    // 20480 bytes at 200 kB/s are 102.4 ms of programming, plus the link's and commands' time.
    expect(modem.deviceTimeMs).toBeGreaterThanOrEqual(102.4);
    expect(modem.deviceTimeMs).toBeLessThan(102.4 + 20);
  });
});

describe('normal mode: AT port and the switch to EDL', () => {
  it('identifies itself on ATI, AT+CGMR, AT+QGMR; unknown commands get ERROR', async () => {
    const modem = new SimulatedModem({ profile: 'eg25g', state: 'normal' });
    expect(modem.usbId).toEqual({ vid: 0x2c7c, pid: 0x0125 });
    const at = modem.connect();
    const ask = async (c: string): Promise<string> => {
      await at.write(new TextEncoder().encode(`${c}\r`), { timeoutMs: 100 });
      return texts(await drain(at)).join('');
    };
    expect(await ask('ATI')).toBe(
      '\r\nQuectel\r\nEG25-G\r\nRevision: EG25GGBR07A08M2G\r\n\r\nOK\r\n',
    );
    expect(await ask('AT+CGMR')).toBe('\r\nEG25GGBR07A08M2G\r\n\r\nOK\r\n');
    expect(await ask('AT+QGMR')).toBe('\r\nEG25GGBR07A08M2G_30.006.30.006\r\n\r\nOK\r\n');
    expect(await ask('AT+QFOO')).toBe('\r\nERROR\r\n');
  });

  it('echoes the DIAG EDL frame, drops off the bus, and re-enumerates as 05c6:9008 after the profile delay', async () => {
    const modem = new SimulatedModem({ profile: 'eg25g', state: 'normal' });
    const diag = modem.connect();
    await diag.write(DIAG_EDL_FRAME, { timeoutMs: 100 });
    expect(await diag.read(64, { timeoutMs: 100 })).toEqual(DIAG_EDL_FRAME);
    for (let i = 0; i < 100 && modem.state === 'normal'; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(modem.state).toBe('gone');
    await modem.waitForEnumeration(); // the real ≈3 s of the switch
    expect(modem.usbId).toEqual({ vid: 0x05c6, pid: 0x9008 });
    expect(await readPacket(modem.connect())).toMatchObject({ type: 'hello' });
  });
});
