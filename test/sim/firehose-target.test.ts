import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildTestProgrammer, SimulatedModem, type SimLink } from '../../src/sim/index.js';
import { bootProgrammer, drain, logs, responses, xml } from './host-script.js';
import { crc32 } from '../../src/crc32.js';

const programmer = buildTestProgrammer();

async function running(
  profile: string,
): Promise<{ modem: SimulatedModem; link: SimLink; banner: string[] }> {
  const modem = new SimulatedModem({ profile });
  const link = modem.connect();
  const banner = await bootProgrammer(link, programmer);
  return { modem, link, banner };
}

/** Sends `data` as the raw phase of a program, as one write. */
async function raw(link: SimLink, data: Uint8Array): Promise<string[]> {
  await link.write(data, { timeoutMs: 500 });
  return (await drain(link)).map((t) => new TextDecoder().decode(t));
}

const pattern = (n: number, seed: number): Uint8Array =>
  Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

describe('simulated programmer: NAND (RM500Q, SDX55 texts)', () => {
  it('announces 15 functions in the multi-line form and configures with the real ACK', async () => {
    const { link, banner } = await running('rm500q');
    expect(logs(banner)).toEqual(
      expect.arrayContaining([
        'INFO: Supported Functions (15):',
        'INFO: getsha256digest',
        'INFO: End of supported functions 15',
      ]),
    );
    const reply = await xml(
      link,
      '<configure MemoryName="nand" Verbose="0" AlwaysValidate="0" MaxDigestTableSizeInBytes="2048" MaxPayloadSizeToTargetInBytes="8192" ZlpAwareHost="1" SkipStorageInit="0" />',
    );
    expect(logs(reply)).toEqual([
      'INFO: Calling handler for configure',
      'INFO: Storage type set to value nand',
    ]);
    expect(responses(reply)).toEqual([
      {
        value: 'ACK',
        MemoryName: 'nand',
        MinVersionSupported: '1',
        Version: '1',
        MaxPayloadSizeToTargetInBytes: '8192',
        MaxPayloadSizeToTargetInBytesSupported: '8192',
        MaxXMLSizeInBytes: '4096',
        DateTime: 'Apr 19 2020 - 17:49:11',
      },
    ]);
  });

  it('NAKs a payload above what it supports, naming the size it takes', async () => {
    const { link } = await running('rm500q');
    const reply = await xml(
      link,
      '<configure MemoryName="nand" MaxPayloadSizeToTargetInBytes="1048576" />',
    );
    expect(responses(reply)[0]).toMatchObject({
      value: 'NAK',
      MaxPayloadSizeToTargetInBytes: '8192',
    });
  });

  it('programs bytes exactly where the command says, and reads them back', async () => {
    const { modem, link } = await running('rm500q');
    await xml(link, '<configure MemoryName="nand" MaxPayloadSizeToTargetInBytes="8192" />');
    expect(
      responses(
        await xml(
          link,
          '<erase PAGES_PER_BLOCK="64" SECTOR_SIZE_IN_BYTES="4096" num_partition_sectors="64" physical_partition_number="0" start_sector="128" />',
        ),
      )[0],
    ).toEqual({ value: 'ACK', rawmode: 'false' });
    const ack = await xml(
      link,
      '<program PAGES_PER_BLOCK="64" SECTOR_SIZE_IN_BYTES="4096" num_partition_sectors="3" physical_partition_number="0" start_sector="130" />',
    );
    expect(responses(ack)).toEqual([{ value: 'ACK', rawmode: 'true' }]);
    const data = pattern(3 * 4096, 5);
    expect(responses(await raw(link, data))).toEqual([{ value: 'ACK', rawmode: 'false' }]);
    const stored = modem.storage.export(0, 128, 8);
    const expected = new Uint8Array(8 * 4096).fill(0xff);
    expected.set(data, 2 * 4096);
    expect(Buffer.from(stored).equals(Buffer.from(expected))).toBe(true);
    await link.write(
      new TextEncoder().encode(
        '<?xml version="1.0" ?><data><read PAGES_PER_BLOCK="64" SECTOR_SIZE_IN_BYTES="4096" num_partition_sectors="3" physical_partition_number="0" start_sector="130" /></data>',
      ),
      { timeoutMs: 500 },
    );
    const read = await drain(link);
    const at = read.findIndex((t) => new TextDecoder().decode(t).includes('rawmode="true"'));
    expect(Buffer.from(read[at + 1] ?? []).equals(Buffer.from(data))).toBe(true);
    expect(responses(read.map((t) => new TextDecoder().decode(t)))).toEqual([
      { value: 'ACK', rawmode: 'true' },
      { value: 'ACK', rawmode: 'false' },
    ]);
  });

  it('ANDs data into pages programmed without an erase (NAND cells only clear bits)', async () => {
    const { modem, link } = await running('rm500q');
    // Block 5: erased from the factory (block 0 holds the boot loader).
    for (const byte of [0xf0, 0x3c]) {
      await xml(
        link,
        '<program PAGES_PER_BLOCK="64" SECTOR_SIZE_IN_BYTES="4096" num_partition_sectors="1" physical_partition_number="0" start_sector="320" />',
      );
      await raw(link, new Uint8Array(4096).fill(byte));
    }
    expect(modem.storage.export(0, 320, 1).every((b) => b === (0xf0 & 0x3c))).toBe(true);
    await xml(
      link,
      '<erase PAGES_PER_BLOCK="64" SECTOR_SIZE_IN_BYTES="4096" num_partition_sectors="64" physical_partition_number="0" start_sector="320" />',
    );
    expect(modem.storage.export(0, 320, 64).every((b) => b === 0xff)).toBe(true);
  });

  it('NAKs PAGES_PER_BLOCK and sector-size mismatches with the real texts', async () => {
    const { link } = await running('rm500q');
    const ppb = await xml(
      link,
      '<program PAGES_PER_BLOCK="2048" SECTOR_SIZE_IN_BYTES="4096" num_partition_sectors="1" physical_partition_number="0" start_sector="0" />',
    );
    expect(logs(ppb)).toEqual([
      'INFO: Calling handler for program',
      "ERROR: Attribute 'PAGES_PER_BLOCK'=2048 must be equal to disk pages per block 64",
      'ERROR: ERROR 21: Line 2459: HANDLE_PROGRAM_FAILURE',
    ]);
    expect(responses(ppb)[0]?.value).toBe('NAK');
    const size = await xml(
      link,
      '<read SECTOR_SIZE_IN_BYTES="512" num_partition_sectors="1" physical_partition_number="0" start_sector="0" />',
    );
    expect(logs(size)[1]).toBe(
      "ERROR: Attribute 'SECTOR_SIZE_IN_BYTES'=512 must be equal to disk sector size 4096",
    );
    const range = await xml(
      link,
      '<erase PAGES_PER_BLOCK="64" SECTOR_SIZE_IN_BYTES="4096" num_partition_sectors="64" physical_partition_number="0" start_sector="131072" />',
    );
    expect(responses(range)[0]?.value).toBe('NAK');
  });

  it('answers getstorageinfo with the JSON log line (NAND: blocks of 256 KiB)', async () => {
    const { link } = await running('rm500q');
    const reply = await xml(link, '<getstorageinfo physical_partition_number="0" />');
    const json = logs(reply)
      .find((l) => l.includes('storage_info'))
      ?.replace(/&quot;/g, '"')
      .replace(/^INFO: /, '');
    expect(JSON.parse(json ?? '{}')).toMatchObject({
      storage_info: {
        total_blocks: 2048,
        block_size: 262144,
        page_size: 4096,
        num_physical: 1,
        mem_type: 'NAND',
      },
    });
  });

  it('answers getsha256digest over exactly the range', async () => {
    const { link } = await running('rm500q');
    const digest = createHash('sha256')
      .update(new Uint8Array(2 * 4096).fill(0xff))
      .digest('hex')
      .toUpperCase();
    expect(
      logs(
        await xml(
          link,
          '<getsha256digest SECTOR_SIZE_IN_BYTES="4096" num_partition_sectors="2" physical_partition_number="0" start_sector="10" />',
        ),
      ),
    ).toContain(`INFO: Digest ${digest}`);
  });

  it('NAKs an unknown command, and logs after the power ACK before disconnecting', async () => {
    // Its boot after the reset is shortened (the real one takes about 20 s): the texts are the point.
    const modem = new SimulatedModem({ profile: 'rm500q', timing: { overrides: { bootMs: 300 } } });
    const link = modem.connect();
    await bootProgrammer(link, programmer);
    expect(responses(await xml(link, '<frobnicate />'))[0]?.value).toBe('NAK');
    const power = await xml(link, '<power value="reset" />');
    expect(power.map((t) => (t.includes('<response') ? 'response' : logs([t])[0]))).toEqual([
      'INFO: Calling handler for power',
      'response',
      'INFO: Will issue reset/power off 100 useconds, if this hangs check if watchdog is enabled',
      'INFO: bsp_target_reset() 1',
    ]);
    expect(link.attached).toBe(false);
    await modem.waitForEnumeration();
    expect(modem.state).toBe('normal');
  });
});

describe('simulated programmer: MDM9607 NAND (EG25-G texts)', () => {
  it('NAKs an unaligned erase with the real log lines, before touching storage', async () => {
    const { modem, link } = await running('eg25g');
    await xml(
      link,
      '<program PAGES_PER_BLOCK="64" SECTOR_SIZE_IN_BYTES="2048" num_partition_sectors="1" physical_partition_number="0" start_sector="13952" />',
    );
    await raw(link, new Uint8Array(2048).fill(0x11));
    const reply = await xml(
      link,
      '<erase PAGES_PER_BLOCK="64" SECTOR_SIZE_IN_BYTES="2048" num_partition_sectors="576" physical_partition_number="0" start_sector="13952" />',
    );
    expect(logs(reply)).toEqual(['start_sector = 13952 and num_partition_sectors =0x240)']);
    expect(responses(reply)).toEqual([{ value: 'ACK' }]);
    const unaligned = await xml(
      link,
      '<erase PAGES_PER_BLOCK="64" SECTOR_SIZE_IN_BYTES="2048" num_partition_sectors="64" physical_partition_number="0" start_sector="13953" />',
    );
    expect(unaligned).toEqual([
      '<?xml version="1.0" encoding="UTF-8" ?>\n<data>\n<log value="start_sector = 13953 and num_partition_sectors =0x40)"/></data>',
      '<?xml version="1.0" encoding="UTF-8" ?>\n<data>\n<log value="start_sector unaligned"/></data>',
      '<?xml version="1.0" encoding="UTF-8" ?>\n<data>\n<response value="NAK"/></data>',
    ]);
    expect(modem.storage.export(0, 13952, 1).every((b) => b === 0xff)).toBe(true);
  });

  it('logs the 9x07 program lines and "Finished sector address"', async () => {
    const { link } = await running('eg25g');
    const ack = await xml(
      link,
      '<program PAGES_PER_BLOCK="64" SECTOR_SIZE_IN_BYTES="2048" num_partition_sectors="4" physical_partition_number="0" start_sector="640" />',
    );
    expect(logs(ack)).toEqual([
      'INSIDE HANDLE PROGRAM',
      'start_sector 640, last_sector_address 644',
    ]);
    const done = await raw(link, new Uint8Array(8192));
    expect(logs(done)).toEqual(['Finished sector address 640']);
    expect(responses(done)).toEqual([{ value: 'ACK', rawmode: 'false' }]);
  });

  it('has no patch command: the 9x07 programmer NAKs it', async () => {
    const { link } = await running('eg25g');
    expect(
      responses(
        await xml(
          link,
          '<patch SECTOR_SIZE_IN_BYTES="2048" byte_offset="0" filename="DISK" physical_partition_number="0" size_in_bytes="4" start_sector="0" value="1" />',
        ),
      )[0]?.value,
    ).toBe('NAK');
  });

  it('honours a Quectel vendor erase with every attribute, and treats an attribute-less erase as the whole device', async () => {
    const { modem, link } = await running('eg25g');
    await xml(
      link,
      '<program PAGES_PER_BLOCK="64" SECTOR_SIZE_IN_BYTES="2048" num_partition_sectors="2" physical_partition_number="0" start_sector="13952" />',
    );
    await raw(link, new Uint8Array(4096));
    await xml(
      link,
      '<program PAGES_PER_BLOCK="64" SECTOR_SIZE_IN_BYTES="2048" num_partition_sectors="1" physical_partition_number="0" start_sector="100000" />',
    );
    await raw(link, new Uint8Array(2048));
    await xml(
      link,
      '<erase c_project_name="EG25G" a_rawdata_start_sector="13952" d_project_type="STD" vendor="quectel" b_rawdata_num_sector="64" />',
    );
    expect(modem.storage.export(0, 13952, 2).every((b) => b === 0xff)).toBe(true);
    expect(modem.storage.export(0, 100000, 1).every((b) => b === 0)).toBe(true);
    await xml(link, '<erase />');
    expect(modem.storage.export(0, 100000, 1).every((b) => b === 0xff)).toBe(true);
  });
});

describe('simulated programmer: eMMC patches on DISK', () => {
  it('evaluates NUM_DISK_SECTORS and CRC32(start,len) over the disk itself', async () => {
    const { modem, link } = await running('msm8974-emmc');
    const sectors = 30_535_680;
    await xml(link, '<configure MemoryName="eMMC" MaxPayloadSizeToTargetInBytes="16384" />');
    await xml(
      link,
      '<program SECTOR_SIZE_IN_BYTES="512" num_partition_sectors="8" physical_partition_number="0" start_sector="2" />',
    );
    const entries = pattern(4096, 9);
    await raw(link, entries);
    const p1 = await xml(
      link,
      '<patch SECTOR_SIZE_IN_BYTES="512" byte_offset="32" filename="DISK" physical_partition_number="0" size_in_bytes="8" start_sector="1" value="NUM_DISK_SECTORS-1." what="Update Primary Header with BackupGPT Header Location." />',
    );
    expect(logs(p1)).toEqual([
      `INFO: Calling handler for patch`,
      `INFO: Patched sector 1 with ${(sectors - 1).toString(16).toUpperCase().padStart(16, '0')}`,
    ]);
    await xml(
      link,
      '<patch SECTOR_SIZE_IN_BYTES="512" byte_offset="88" filename="DISK" physical_partition_number="0" size_in_bytes="4" start_sector="1" value="CRC32(2,4096)" />',
    );
    const header = modem.storage.export(0, 1, 1);
    const v = new DataView(header.buffer);
    expect(v.getBigUint64(32, true)).toBe(BigInt(sectors - 1));
    expect(v.getUint32(88, true)).toBe(crc32(entries));
    const backup = await xml(
      link,
      '<patch SECTOR_SIZE_IN_BYTES="512" byte_offset="24" filename="DISK" physical_partition_number="0" size_in_bytes="8" start_sector="NUM_DISK_SECTORS-1" value="NUM_DISK_SECTORS-1." />',
    );
    expect(responses(backup)[0]?.value).toBe('ACK');
    expect(
      new DataView(modem.storage.export(0, sectors - 1, 1).buffer).getBigUint64(24, true),
    ).toBe(BigInt(sectors - 1));
  });

  it('NAKs an eMMC LUN that does not exist with the real text', async () => {
    const { link } = await running('msm8974-emmc');
    expect(
      logs(
        await xml(
          link,
          '<read SECTOR_SIZE_IN_BYTES="512" num_partition_sectors="1" physical_partition_number="3" start_sector="0" />',
        ),
      ),
    ).toEqual(['INFO: Calling handler for read', 'ERROR: Invalid physical partition 3']);
  });
});

describe('simulated storage', () => {
  it('keeps memory small for a 120 GB UFS profile and addresses every LUN', async () => {
    const { modem, link } = await running('sm8150-ufs');
    await xml(
      link,
      '<program SECTOR_SIZE_IN_BYTES="4096" num_partition_sectors="1" physical_partition_number="5" start_sector="8191" />',
    );
    await raw(link, new Uint8Array(4096).fill(7));
    expect(modem.storage.export(5, 8191, 1).every((b) => b === 7)).toBe(true);
    expect(modem.storage.sectors(0)).toBe(29_360_128);
    expect(modem.storage.allocatedBytes).toBeLessThanOrEqual(1 << 20);
  });
});
