/**
 * `npm run bench [-- --quick] [--only SECTION]`: qfh's speed and memory against the simulated modem, each
 * figure next to a limit measured in the same run on the same bytes, so the numbers mean
 * something on a noisy shared machine. Prints a table, then one `BENCH {json}` line per
 * figure: {name, value, unit, limit, ratio} with ratio = value / limit.
 */
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { flash } from '../src/flash/index.js';
import { readPackage, type FirmwarePackage } from '../src/package/index.js';
import { buildPlan } from '../src/plan/index.js';
import { profile, SimulatedModem, type DeviceProfile } from '../src/sim/index.js';
import { figures, measure, MiB, quick, record } from './figures.js';
import { manyDevices, modelled } from './modelled.js';
import { openTcpTransport } from '../src/transport/tcp.js';
import type { Transport } from '../src/transport/transport.js';
import { androidPackage, nandPackage, rawImage, sparseImage } from './fixtures.js';
import { zipForMemory } from './zip-memory.js';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = join(here, '../../bin/qfh.js');
const run = promisify(execFile);

/** The limit: read the file (and hash it with SHA-256, as a verifying flasher must), tight loop; best of three (a shared machine is noisy). */
async function readLimit(path: string, digest: boolean): Promise<number> {
  let best = 0;
  for (let i = 0; i < 3; i++) best = Math.max(best, await readOnce(path, digest));
  return best;
}

async function readOnce(path: string, digest: boolean): Promise<number> {
  const { result: bytes, seconds } = await measure(async () => {
    const hash = createHash('sha256');
    let n = 0;
    for await (const chunk of createReadStream(path, { highWaterMark: MiB })) {
      if (digest) hash.update(chunk as Buffer);
      n += (chunk as Buffer).length;
    }
    hash.digest();
    return n;
  });
  return bytes / 1e6 / seconds;
}

/** A `qfh simulate` child on a free port: the device runs on the other core, as a real one would run elsewhere. */
async function simulator(
  profileId: string,
): Promise<{ transport: Transport; stop(): Promise<void> }> {
  const child = spawn(
    process.execPath,
    [BIN, 'simulate', '--profile', profileId, '--listen', '127.0.0.1:0'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  for (let i = 0; i < 200 && !/listening on/.test(out); i++)
    await new Promise((r) => setTimeout(r, 25));
  const transport = await openTcpTransport(
    '127.0.0.1',
    Number(/127\.0\.0\.1:(\d+)/.exec(out)?.[1]),
  );
  return {
    transport,
    stop: async () => {
      await transport.close();
      child.kill('SIGINT');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

const discarding = (id: string): DeviceProfile => {
  const p = profile(id);
  return { ...p, partitionTable: undefined, storage: { ...p.storage, discardWrites: true } };
};

/** Item 1: host pipeline throughput, verification on (device in another process) and off (a sink that does not store). */
async function pipeline(work: string): Promise<void> {
  const cases = [
    {
      name: 'ufs-raw',
      profile: 'sm8150-ufs',
      bytes: quick ? 128 * MiB : 768 * MiB,
      sparse: false,
      payload: '1 MiB',
    },
    {
      name: 'ufs-sparse',
      profile: 'sm8150-ufs',
      bytes: quick ? 96 * MiB : 512 * MiB,
      sparse: true,
      payload: '1 MiB',
    },
    {
      name: 'nand-raw',
      profile: 'rm500q',
      bytes: quick ? 48 * MiB : 192 * MiB,
      sparse: false,
      payload: '8 KiB',
    },
  ];
  for (const c of cases) {
    const root = join(work, c.name);
    const image = join(
      root,
      c.profile === 'rm500q' ? 'update/big.ubi' : c.sparse ? 'system.img' : 'big.img',
    );
    if (c.profile === 'rm500q') await nandPackage(root, [{ file: 'big.ubi', bytes: c.bytes }]);
    else
      await androidPackage(root, 4096, [
        {
          file: c.sparse ? 'system.img' : 'big.img',
          bytes: c.sparse ? 4 * 1024 * MiB : c.bytes,
          sparse: c.sparse,
        },
      ]);
    if (c.sparse) await sparseImage(image, { raw: c.bytes, fill: 0, total: 4 * 1024 * MiB });
    else await rawImage(image, c.bytes);
    const pkg: FirmwarePackage = await readPackage(root, { verifyMd5: false });
    for (const verify of [true, false]) {
      const limit = await readLimit(image, verify);
      const sim = verify
        ? await simulator(c.profile)
        : {
            transport: new SimulatedModem({ profile: discarding(c.profile) }).connect(),
            stop: async () => undefined,
          };
      const { result, seconds, cpu } = await measure(() => flash(pkg, sim.transport, { verify }));
      await sim.stop();
      const mbs = result.bytes / 1e6 / seconds;
      record(
        `pipeline.${c.name}.${verify ? 'verify' : 'noverify'}.throughput`,
        mbs,
        'MB/s',
        limit,
        `${c.payload} payloads, ${(result.bytes / MiB).toFixed(0)} MiB; limit: read${verify ? '+sha256' : ''} of the same file`,
      );
      record(
        `pipeline.${c.name}.${verify ? 'verify' : 'noverify'}.cpu`,
        cpu / (result.bytes / 1024 ** 3),
        's/GiB',
        1,
        'CPU seconds of the qfh process per GiB flashed (limit 1 s/GiB is a reference, not a measurement)',
      );
      // The host's own capacity, whatever the device: bytes per second of qfh CPU, against the same limit.
      record(
        `pipeline.${c.name}.${verify ? 'verify' : 'noverify'}.host-capacity`,
        result.bytes / 1e6 / cpu,
        'MB/s',
        limit,
        'bytes per CPU second of the qfh process (the wall figure above also waits for the device)',
      );
    }
  }
}

/** Item 2: peak RSS above an idle node while flashing a 4 GiB sparse and a 1 GiB raw image. */
async function memory(work: string): Promise<void> {
  const idle = Number(
    (
      await run(process.execPath, [
        '-e',
        'setTimeout(() => console.log(process.memoryUsage().rss), 300)',
      ])
    ).stdout,
  );
  const child = join(here, 'memory-child.js');
  const sparseRoot = join(work, 'mem-sparse');
  await androidPackage(sparseRoot, 4096, [
    { file: 'system.img', bytes: 4 * 1024 * MiB, sparse: true },
  ]);
  await sparseImage(join(sparseRoot, 'system.img'), {
    raw: 32 * MiB,
    fill: quick ? 64 * MiB : 256 * MiB,
    total: 4 * 1024 * MiB,
  });
  const rawRoot = join(work, 'mem-raw');
  const rawBytes = quick ? 256 * MiB : 1024 * MiB;
  await androidPackage(rawRoot, 4096, [{ file: 'big.img', bytes: rawBytes }]);
  await writeFile(join(rawRoot, 'big.img'), '');
  await truncate(join(rawRoot, 'big.img'), rawBytes); // a file hole: reads are cheap, the pipeline is what is measured
  const zipped = await zipForMemory(work, quick);
  for (const [name, root] of [
    ['memory.sparse-4gib', sparseRoot],
    [`memory.raw-${rawBytes / MiB}mib`, rawRoot],
    [`memory.zip-deflated-${zipped.bytes / MiB}mib`, zipped.zip],
  ] as const) {
    const out = JSON.parse(
      (await run(process.execPath, [child, root, 'sm8150-ufs'], { maxBuffer: 1 << 20 })).stdout,
    ) as { peakRss: number; bytes: number; seconds: number };
    record(
      name,
      (out.peakRss - idle) / MiB,
      'MiB',
      64,
      `peak RSS above an idle node (${(idle / MiB).toFixed(0)} MiB); ${(out.bytes / MiB).toFixed(0)} MiB sent in ${out.seconds.toFixed(1)} s; limit is the 64 MiB target`,
    );
  }
}

/** Item 5: read, verify (md5) and plan a package with thousands of rawprogram entries and a multi-GiB sparse image. */
async function planning(work: string): Promise<void> {
  const root = join(work, 'plan-pkg');
  const entries = quick ? 2000 : 8000;
  const sparseRaw = quick ? 32 * MiB : 128 * MiB;
  await androidPackage(root, 4096, [
    { file: 'system.img', bytes: 8 * 1024 * MiB, sparse: true },
    ...Array.from({ length: entries }, (_, i) => ({ file: `p${i % 50}.bin`, bytes: 4096 })),
  ]);
  await sparseImage(join(root, 'system.img'), { raw: sparseRaw, fill: 0, total: 8 * 1024 * MiB });
  const md5: string[] = ['VERSION:1.0', 'FILE:START'];
  for (let i = 0; i < 50; i++) {
    const data = Buffer.alloc(4096, i);
    await writeFile(join(root, `p${i}.bin`), data);
    md5.push(`FILE:\\p${i}.bin:${createHash('md5').update(data).digest('hex')}`);
  }
  const limit = await measure(async () => {
    const hash = createHash('md5');
    for await (const chunk of createReadStream(join(root, 'system.img'), { highWaterMark: MiB }))
      hash.update(chunk as Buffer);
    md5.push(`FILE:\\system.img:${hash.digest('hex')}`, 'FILE:END');
  });
  await writeFile(join(root, 'md5.txt'), md5.join('\r\n'));
  const { result, seconds } = await measure(async () => buildPlan(await readPackage(root)));
  record(
    'planning.seconds',
    seconds,
    's',
    limit.seconds,
    `${entries} rawprogram entries, an 8 GiB sparse image (${(sparseRaw / MiB).toFixed(0)} MiB of data), ${result.ops.length} ops; limit: md5 of the same image in a tight loop`,
  );
}

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'qfh-bench-'));
  const started = Date.now();
  // `--only many` (or pipeline, memory, modelled, planning) runs one section.
  const only = process.argv[process.argv.indexOf('--only') + 1];
  const sections = { pipeline, memory, modelled, many: manyDevices, planning };
  try {
    for (const [name, section] of Object.entries(sections))
      if (!process.argv.includes('--only') || only === name) await section(work);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  console.log(
    `qfh benchmarks (${quick ? 'quick' : 'full'}) on ${process.platform}-${process.arch}, node ${process.version}, ${Math.round((Date.now() - started) / 1000)} s\n`,
  );
  console.log(
    `${'figure'.padEnd(40)} ${'value'.padStart(10)} ${'unit'.padEnd(6)} ${'limit'.padStart(10)} ${'ratio'.padStart(7)}  note`,
  );
  for (const f of figures)
    console.log(
      `${f.name.padEnd(40)} ${String(f.value).padStart(10)} ${f.unit.padEnd(6)} ${String(f.limit).padStart(10)} ${String(f.ratio).padStart(7)}  ${f.note}`,
    );
  console.log('');
  for (const f of figures)
    console.log(
      `BENCH ${JSON.stringify({ name: f.name, value: f.value, unit: f.unit, limit: f.limit, ratio: f.ratio })}`,
    );
}

await main();
