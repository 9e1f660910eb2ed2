/**
 * `npm run bench:threads` (Linux): where a verified flash's CPU goes, thread by thread. A
 * 1 GiB UFS package is flashed with verification onto the bench's simulator server (after
 * a 16 MiB one, so start-up is not counted), and each thread's user and system CPU per GiB
 * is read from /proc/self/task around the big flash; then the limits of `npm run bench`
 * (read, read + SHA-256, and that + TCP send) on the same image, for comparison.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hostVerify } from './cases-host.js';
import { limits } from './cases-limits.js';
import { ufsPackage } from './inputs.js';

const GiB = 2 ** 30;
const tree = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** user and system CPU seconds of each thread of this process, by thread id. */
function threads(): Map<string, { name: string; user: number; system: number }> {
  const tick = 100; // USER_HZ on Linux
  const out = new Map<string, { name: string; user: number; system: number }>();
  for (const tid of readdirSync('/proc/self/task')) {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    out.set(tid, { name, user: Number(fields[11]) / tick, system: Number(fields[12]) / tick });
  }
  return out;
}

const work = await mkdtemp(join(tmpdir(), 'qfh-threads-'));
try {
  const small = await ufsPackage(join(work, 'small'), 16 << 20);
  const big = await ufsPackage(join(work, 'big'), 1 << 30);
  await hostVerify({ subject: tree, roots: [small], profile: 'sm8150-ufs' });
  const before = threads();
  const [flash] = await hostVerify({ subject: tree, roots: [big], profile: 'sm8150-ufs' });
  const after = threads();
  if (!flash) throw new Error('no flash result');
  const gib = flash.bytes / GiB;
  console.log(`verified flash of ${gib.toFixed(2)} GiB: ${(flash.cpu / gib).toFixed(3)} CPU s/GiB`);
  console.log('thread            user s/GiB  sys s/GiB');
  for (const [tid, t] of after) {
    const b = before.get(tid) ?? { user: 0, system: 0 };
    const user = (t.user - b.user) / gib;
    const system = (t.system - b.system) / gib;
    if (user + system < 0.005) continue;
    const label = tid === String(process.pid) ? 'main' : `${t.name} ${tid}`;
    console.log(
      `${label.padEnd(18)}${user.toFixed(3).padStart(10)}${system.toFixed(3).padStart(11)}`,
    );
  }
  const l = await limits({ file: join(big, 'big.img') });
  const per = (c: { cpu: number; bytes: number }): string => (c.cpu / (c.bytes / GiB)).toFixed(3);
  console.log(
    `limits (one thread, CPU s/GiB): read ${per(l.read)}, read + SHA-256 ${per(l.sha256)}, ` +
      `read + SHA-256 + TCP send ${per(l.sha256Send)}`,
  );
} finally {
  await rm(work, { recursive: true, force: true });
}
process.exit(0); // the hashing thread and the simulator's timers must not hold the process
