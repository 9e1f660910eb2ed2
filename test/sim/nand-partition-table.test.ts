/**
 * The NAND partition table, read from the host side the way bkerler/edl's `printgpt` reads it
 * (edlclient/Library/firehose.py, get_gpt): sector 0 must start with the boot codeword
 * 0x844BDCD1, or the device is taken for a GPT disk and nothing is listed; then the MIBIB is
 * looked for at sectors 640, 0x400 and 0x800 (header magic ac9f56fe 7a127fcd) and the table
 * (magic aa73ee55 dbbd5ee3, then 0x1C-byte entries: a 16-byte name, offset and length in
 * blocks, attributes) read from the two sectors after it. Before, the simulated EG25-G held a
 * bare ELF at sector 0 and such a host found no partitions. Expected names come from the real
 * package's partition_complete_p2K_b128K.mbn when ../shared is there.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it, onTestFinished } from 'vitest';
import { flash } from '../../src/flash/node-flash.js';
import { buildDemoPackage, SimulatedModem } from '../../src/sim/index.js';
import { hostOn, type Io, untilResponse, xml } from '../helpers/independent-host.js';
import { realAvailable, realBytes } from '../helpers/real.js';

const PAGE = 2048;

/** Sectors read with `<read>`: the rawmode ACK, the data, the closing ACK. */
async function readSectors(io: Io, start: number, count: number): Promise<Buffer> {
  await io.write(
    xml(
      `<read SECTOR_SIZE_IN_BYTES="${PAGE}" num_partition_sectors="${count}" physical_partition_number="0" start_sector="${start}"/>`,
    ),
  );
  expect(await untilResponse(io)).toMatch(/rawmode="true"/);
  const pieces: Buffer[] = [];
  for (let got = 0; got < count * PAGE;) {
    const piece = await io.read(1 << 20);
    pieces.push(piece);
    got += piece.length;
  }
  expect(await untilResponse(io)).toMatch(/<response value="ACK" rawmode="false"/);
  return Buffer.concat(pieces);
}

/** Names in a MIBIB table page (magic, version, count, then 0x1C-byte entries). */
function tableNames(table: Buffer): string[] {
  if (table.readUInt32LE(0) !== 0x55ee73aa || table.readUInt32LE(4) !== 0xe35ebddb) return [];
  const count = table.readUInt32LE(12);
  return Array.from({ length: count }, (_, i) =>
    table
      .subarray(16 + i * 0x1c, 16 + i * 0x1c + 16)
      .toString('latin1')
      .replace(/\0.*$/s, '')
      .replace(/^0:/, ''),
  );
}

/** What edl lists: nothing unless sector 0 has the codeword and a MIBIB is where it looks. */
async function listedPartitions(io: Io): Promise<string[]> {
  const first = await readSectors(io, 0, 1);
  if (first.readUInt32LE(0) !== 0x844bdcd1) return [];
  for (const at of [640, 0x400, 0x800]) {
    const header = await readSectors(io, at, 1);
    if (header.subarray(0, 8).toString('hex') === 'ac9f56fe7a127fcd')
      return tableNames(await readSectors(io, at + 1, 2));
  }
  return [];
}

async function session(modem: SimulatedModem): Promise<Io> {
  const { io } = await hostOn(modem);
  await io.write(
    xml(
      `<configure MemoryName="nand" MaxPayloadSizeToTargetInBytes="8192" ZlpAwareHost="1" SkipStorageInit="0" />`,
    ),
  );
  expect(await untilResponse(io)).toMatch(/<response value="ACK"/);
  return io;
}

it('a factory-fresh EG25-G lists its partitions to a host that reads the MIBIB as edl does', async () => {
  const modem = new SimulatedModem({ profile: 'eg25g', timing: { protocol: 'instant' } });
  const names = await listedPartitions(await session(modem));
  expect(names.length).toBeGreaterThan(10);
  expect(names).toEqual(expect.arrayContaining(['SBL', 'MIBIB']));
  if (realAvailable) {
    const real = realBytes('quectel-eg25g-30.006', 'partition_complete_p2K_b128K.mbn');
    expect(names).toEqual(tableNames(real.subarray(PAGE, 3 * PAGE)));
  }
});

it('after the demo package is flashed, the same host lists them again, and the modem boots its sbl1', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'qfh-nand-table-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  const root = await buildDemoPackage(dir);
  const modem = new SimulatedModem({ profile: 'eg25g', timing: { protocol: 'instant' } });
  const report = await flash(root, modem.connect());
  expect(report.state).toBe('flashed');
  // The package's own sbl1 (codeword pages, then the ELF) at page 0 boots normal mode.
  await modem.waitForEnumeration();
  expect(modem.state).toBe('normal');
  const edl = new SimulatedModem({ profile: 'eg25g', storage: modem.storage, holdEdl: true });
  const names = await listedPartitions(await session(edl));
  expect(names).toEqual(expect.arrayContaining(['SBL', 'MIBIB']));
  expect(names.length).toBeGreaterThan(10);
});
