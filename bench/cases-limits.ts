/**
 * The limits every ratio is taken against, measured on the same bytes in the same run:
 * a plain read of the file (positioned reads into one reused 1 MiB buffer, as `cat` does),
 * the same read with SHA-256 (what a verifying flasher must at least do), the same again
 * sent over loopback TCP to a process that drops it (what a verifying flasher must do to
 * reach a device in another process), `cat` itself,
 * and reading, md5-checking and planning a large package against md5 of its image.
 *
 * @module
 */
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { buildPlan as buildPlanFn } from '../src/plan/build-plan.js';
import { measure } from './cases-host.js';
import { loadSubject } from './subject.js';

/** Bytes read, CPU and wall seconds. */
export interface ReadCost {
  readonly bytes: number;
  readonly cpu: number;
  readonly seconds: number;
}

async function readFile(
  path: string,
  hash: 'sha256' | 'md5' | undefined,
  send?: (bytes: Uint8Array) => Promise<void>,
): Promise<number> {
  const handle = await open(path, 'r');
  // 4 MiB when sending: the size the flash writes to a byte stream when it verifies.
  const buffer = Buffer.alloc(send ? 4 << 20 : 1 << 20);
  const digest = hash ? createHash(hash) : undefined;
  let at = 0;
  try {
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, at);
      if (bytesRead === 0) break;
      digest?.update(buffer.subarray(0, bytesRead));
      await send?.(buffer.subarray(0, bytesRead));
      at += bytesRead;
    }
  } finally {
    await handle.close();
  }
  digest?.digest();
  return at;
}

/** A process on loopback TCP that reads and drops everything: where `send` writes. */
async function discardingPeer(): Promise<{ socket: Socket; stop(): void }> {
  const server = `require('net').createServer((s) => s.resume()).listen(0, '127.0.0.1', function () { console.log(this.address().port); })`;
  const child = spawn(process.execPath, ['-e', server], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((r) =>
    child.stdout.once('data', (d: Buffer) => r(Number(String(d)))),
  );
  const socket = connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  await new Promise((r) => socket.once('connect', r));
  return { socket, stop: () => void (socket.destroy(), child.kill()) };
}

/** Plain read, read + SHA-256, and read + SHA-256 + send over TCP of `file`, tight loops on one thread. */
export async function limits(o: {
  file: string;
}): Promise<{ read: ReadCost; sha256: ReadCost; sha256Send: ReadCost }> {
  const cost = (m: { result: number; cpu: number; seconds: number }): ReadCost => ({
    bytes: m.result,
    cpu: m.cpu,
    seconds: m.seconds,
  });
  const read = await measure(() => readFile(o.file, undefined));
  const sha256 = await measure(() => readFile(o.file, 'sha256'));
  const peer = await discardingPeer();
  const send = (b: Uint8Array): Promise<void> =>
    new Promise((resolve, reject) => peer.socket.write(b, (e) => (e ? reject(e) : resolve())));
  const sha256Send = await measure(() => readFile(o.file, 'sha256', send));
  peer.stop();
  return { read: cost(read), sha256: cost(sha256), sha256Send: cost(sha256Send) };
}

/** `cat file > /dev/null`: its CPU seconds as the shell counts its children. */
export async function catCost(file: string): Promise<ReadCost | undefined> {
  const t0 = performance.now();
  const script = 'cat "$1" > /dev/null; times';
  const out = await promisify(execFile)('bash', ['-c', script, 'cat', file]).catch(() => undefined);
  const seconds = (performance.now() - t0) / 1000;
  const times = out?.stdout
    .trim()
    .split('\n')[1]
    ?.match(/(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s/);
  if (!times) return undefined;
  const [, um, us, sm, ss] = times.map(Number);
  const { size } = await stat(file);
  return { bytes: size, cpu: (um ?? 0) * 60 + (us ?? 0) + (sm ?? 0) * 60 + (ss ?? 0), seconds };
}

/** Reading (md5 included) and planning a package, and md5 of its largest image. */
export async function planning(o: {
  subject: string;
  root: string;
  image: string;
}): Promise<{ seconds: number; ops: number; md5Seconds: number }> {
  const qfh = await loadSubject(o.subject);
  const { buildPlan } = (await import(
    pathToFileURL(join(o.subject, 'dist/plan/build-plan.js')).href
  )) as { buildPlan: typeof buildPlanFn };
  const md5 = await measure(() => readFile(o.image, 'md5'));
  const { result, seconds } = await measure(async () => buildPlan(await qfh.readPackage(o.root)));
  return { seconds, ops: result.ops.length, md5Seconds: md5.seconds };
}
