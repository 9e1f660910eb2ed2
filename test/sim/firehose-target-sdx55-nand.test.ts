import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SimulatedModem } from '../../src/sim/index.js';
import { bootProgrammer, drain, logs, responses, xml } from './host-script.js';
import { bootedModem, pattern, sendRawPhase, testProgrammer } from '../helpers/sim-programmer.js';

describe('simulated programmer: NAND (RM500Q, SDX55 texts): banner and configure', () => {
  it('announces 15 functions in the multi-line form and configures with the real ACK', async () => {
    const { link, banner } = await bootedModem('rm500q');
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
    const { link } = await bootedModem('rm500q');
    const reply = await xml(
      link,
      '<configure MemoryName="nand" MaxPayloadSizeToTargetInBytes="1048576" />',
    );
    expect(responses(reply)[0]).toMatchObject({
      value: 'NAK',
      MaxPayloadSizeToTargetInBytes: '8192',
    });
  });
});

describe('simulated programmer: NAND (RM500Q, SDX55 texts): program, erase, read back', () => {
  it('programs bytes exactly where the command says, and reads them back', async () => {
    const { modem, link } = await bootedModem('rm500q');
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
    expect(responses(await sendRawPhase(link, data))).toEqual([{ value: 'ACK', rawmode: 'false' }]);
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
    const { modem, link } = await bootedModem('rm500q');
    // Block 5: erased from the factory (block 0 holds the boot loader).
    for (const byte of [0xf0, 0x3c]) {
      await xml(
        link,
        '<program PAGES_PER_BLOCK="64" SECTOR_SIZE_IN_BYTES="4096" num_partition_sectors="1" physical_partition_number="0" start_sector="320" />',
      );
      await sendRawPhase(link, new Uint8Array(4096).fill(byte));
    }
    expect(modem.storage.export(0, 320, 1).every((b) => b === (0xf0 & 0x3c))).toBe(true);
    await xml(
      link,
      '<erase PAGES_PER_BLOCK="64" SECTOR_SIZE_IN_BYTES="4096" num_partition_sectors="64" physical_partition_number="0" start_sector="320" />',
    );
    expect(modem.storage.export(0, 320, 64).every((b) => b === 0xff)).toBe(true);
  });
});

describe('simulated programmer: NAND (RM500Q, SDX55 texts): geometry mismatches, storage info, digest', () => {
  it('NAKs PAGES_PER_BLOCK and sector-size mismatches with the real texts', async () => {
    const { link } = await bootedModem('rm500q');
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
    const { link } = await bootedModem('rm500q');
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
    const { link } = await bootedModem('rm500q');
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
});

describe('simulated programmer: NAND (RM500Q, SDX55 texts): unknown commands, the power reset', () => {
  it('NAKs an unknown command, and logs after the power ACK before disconnecting', async () => {
    // Its boot after the reset is shortened (the real one takes about 20 s): the texts are the point.
    const modem = new SimulatedModem({ profile: 'rm500q', timing: { overrides: { bootMs: 300 } } });
    const link = modem.connect();
    await bootProgrammer(link, testProgrammer);
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
