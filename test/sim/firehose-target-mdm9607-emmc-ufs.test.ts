import { describe, expect, it } from 'vitest';
import { logs, responses, xml } from './host-script.js';
import { bootedModem, pattern, sendRawPhase } from '../helpers/sim-programmer.js';
import { crc32 } from '../../src/crc32.js';

describe('simulated programmer: MDM9607 NAND (EG25-G texts)', () => {
  it('NAKs an unaligned erase with the real log lines, before touching storage', async () => {
    const { modem, link } = await bootedModem('eg25g');
    await xml(
      link,
      '<program PAGES_PER_BLOCK="64" SECTOR_SIZE_IN_BYTES="2048" num_partition_sectors="1" physical_partition_number="0" start_sector="13952" />',
    );
    await sendRawPhase(link, new Uint8Array(2048).fill(0x11));
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
    const { link } = await bootedModem('eg25g');
    const ack = await xml(
      link,
      '<program PAGES_PER_BLOCK="64" SECTOR_SIZE_IN_BYTES="2048" num_partition_sectors="4" physical_partition_number="0" start_sector="640" />',
    );
    expect(logs(ack)).toEqual([
      'INSIDE HANDLE PROGRAM',
      'start_sector 640, last_sector_address 644',
    ]);
    const done = await sendRawPhase(link, new Uint8Array(8192));
    expect(logs(done)).toEqual(['Finished sector address 640']);
    expect(responses(done)).toEqual([{ value: 'ACK', rawmode: 'false' }]);
  });

  it('has no patch command: the 9x07 programmer NAKs it', async () => {
    const { link } = await bootedModem('eg25g');
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
    const { modem, link } = await bootedModem('eg25g');
    await xml(
      link,
      '<program PAGES_PER_BLOCK="64" SECTOR_SIZE_IN_BYTES="2048" num_partition_sectors="2" physical_partition_number="0" start_sector="13952" />',
    );
    await sendRawPhase(link, new Uint8Array(4096));
    await xml(
      link,
      '<program PAGES_PER_BLOCK="64" SECTOR_SIZE_IN_BYTES="2048" num_partition_sectors="1" physical_partition_number="0" start_sector="100000" />',
    );
    await sendRawPhase(link, new Uint8Array(2048));
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
    const { modem, link } = await bootedModem('msm8974-emmc');
    const sectors = 30_535_680;
    await xml(link, '<configure MemoryName="eMMC" MaxPayloadSizeToTargetInBytes="16384" />');
    await xml(
      link,
      '<program SECTOR_SIZE_IN_BYTES="512" num_partition_sectors="8" physical_partition_number="0" start_sector="2" />',
    );
    const entries = pattern(4096, 9);
    await sendRawPhase(link, entries);
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

  it('NAKs a CRC32 over a range past the disk, leaving the sector as it was', async () => {
    const { modem, link } = await bootedModem('msm8974-emmc');
    await xml(link, '<configure MemoryName="eMMC" MaxPayloadSizeToTargetInBytes="16384" />');
    const before = modem.storage.export(0, 1, 1);
    const reply = await xml(
      link,
      '<patch SECTOR_SIZE_IN_BYTES="512" byte_offset="88" filename="DISK" physical_partition_number="0" size_in_bytes="4" start_sector="1" value="CRC32(2,NUM_DISK_SECTORS*512)" />',
    );
    expect(responses(reply)[0]?.value).toBe('NAK');
    expect(logs(reply).at(-1)).toMatch(/CRC32\(2,\d+\) reaches past LUN 0/);
    expect(modem.storage.export(0, 1, 1)).toEqual(before);
  });

  it('NAKs an eMMC LUN that does not exist with the real text', async () => {
    const { link } = await bootedModem('msm8974-emmc');
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
    const { modem, link } = await bootedModem('sm8150-ufs');
    await xml(
      link,
      '<program SECTOR_SIZE_IN_BYTES="4096" num_partition_sectors="1" physical_partition_number="5" start_sector="8191" />',
    );
    await sendRawPhase(link, new Uint8Array(4096).fill(7));
    expect(modem.storage.export(5, 8191, 1).every((b) => b === 7)).toBe(true);
    expect(modem.storage.sectors(0)).toBe(29_360_128);
    expect(modem.storage.allocatedBytes).toBeLessThanOrEqual(1 << 20);
  });
});
