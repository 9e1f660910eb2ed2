import { spawn } from 'node:child_process';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTestProgrammer } from '../../src/sim/index.js';
import { openTcpTransport } from '../../src/transport/tcp.js';
import { bootProgrammer, drain, responses, texts, xml } from './host-script.js';
import { openFirehoseSession } from '../../src/session/index.js';
import { memorySource } from '../helpers/sources.js';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '../../bin/qfh.js');
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('qfh simulate: a full session from another process over TCP', () => {
  it('serves Sahara + Firehose on a 120 GB UFS profile, exits cleanly on SIGINT with small memory, and dumps what was written', async () => {
    const dump = await mkdtemp(join(tmpdir(), 'qfh-sim-'));
    dirs.push(dump);
    const child = spawn(
      process.execPath,
      [BIN, 'simulate', '--profile', 'sm8150-ufs', '--listen', '127.0.0.1:0', '--dump', dump],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );
    for (let i = 0; i < 100 && !/listening on tcp:\/\/[\d.]+:\d+/.test(stdout); i++)
      await new Promise((r) => setTimeout(r, 50));
    const port = Number(/listening on tcp:\/\/127\.0\.0\.1:(\d+)/.exec(stdout)?.[1]);
    expect(port).toBeGreaterThan(0);

    const link = await openTcpTransport('127.0.0.1', port);
    const banner = await bootProgrammer(link, buildTestProgrammer());
    expect(banner.join('')).toContain('End of supported functions 15');
    expect(
      responses(
        await xml(link, '<configure MemoryName="UFS" MaxPayloadSizeToTargetInBytes="1048576" />'),
      )[0]?.value,
    ).toBe('ACK');
    const data = Uint8Array.from({ length: 8 * 4096 }, (_, i) => (i * 7) & 0xff);
    expect(
      responses(
        await xml(
          link,
          '<program SECTOR_SIZE_IN_BYTES="4096" num_partition_sectors="8" physical_partition_number="0" start_sector="1000" />',
        ),
      )[0],
    ).toEqual({ value: 'ACK', rawmode: 'true' });
    await link.write(data, { timeoutMs: 2000 });
    expect(responses(texts(await drain(link, 100, 5_000)))[0]).toEqual({
      value: 'ACK',
      rawmode: 'false',
    });
    await xml(link, '<power value="reset" />');
    await link.close();

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stdout).toMatch(/storage written to .*lun0\.img/);
    const rss = Number(/peak RSS (\d+) MiB/.exec(stdout)?.[1]);
    expect(rss).toBeLessThan(200);
    const file = await open(join(dump, 'lun0.img'), 'r');
    const back = Buffer.alloc(data.length + 8192);
    await file.read(back, 0, back.length, 999 * 4096);
    await file.close();
    expect(back.subarray(0, 4096).every((b) => b === 0)).toBe(true);
    expect(back.subarray(4096, 4096 + data.length).equals(Buffer.from(data))).toBe(true);
  });
});

describe('qfh clients over TCP to qfh simulate in another process', () => {
  it('uploads with the Sahara client and programs, reads and erases with the Firehose client', async () => {
    const child = spawn(
      process.execPath,
      [BIN, 'simulate', '--profile', 'rm500q', '--listen', '127.0.0.1:0'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );
    for (let i = 0; i < 100 && !/listening on/.test(stdout); i++)
      await new Promise((r) => setTimeout(r, 50));
    const port = Number(/127\.0\.0\.1:(\d+)/.exec(stdout)?.[1]);
    const tcp = await openTcpTransport('127.0.0.1', port);
    const { client } = await openFirehoseSession(tcp, {
      storage: 'nand',
      programmer: memorySource(buildTestProgrammer()),
    });
    const range = {
      sectorSizeInBytes: 4096,
      pagesPerBlock: 64,
      numPartitionSectors: 64,
      startSector: 640,
    };
    await client.erase(range);
    const data = Uint8Array.from({ length: 64 * 4096 }, (_, i) => (i * 3) & 0xff);
    await client.program(
      range,
      (async function* () {
        yield data;
      })(),
    );
    const back: Uint8Array[] = [];
    await client.read(range, (p) => void back.push(Uint8Array.from(p)));
    expect(Buffer.concat(back).equals(Buffer.from(data))).toBe(true);
    expect(await client.sha256(range)).toMatch(/^[0-9a-f]{64}$/);
    await client.erase(range);
    await tcp.close();
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });
});
