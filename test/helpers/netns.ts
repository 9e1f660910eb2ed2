/**
 * Two network namespaces for the relay test, made inside this machine's sandbox and removed
 * with the processes that hold them: a "router" and a "PC", joined by a veth pair on a LAN
 * (10.216.16.0/24) and by a second pair standing for the modem's cellular connection
 * (`wwan0` on the router, 10.216.17.0/24). Nothing is added to the host's own namespace:
 * the pairs are created inside the router namespace and one end moved to the PC's.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Addresses of the test network. */
export const NET = {
  routerLan: '10.216.16.1',
  pcLan: '10.216.16.2',
  routerCell: '10.216.17.1',
  pcCell: '10.216.17.2',
} as const;

/** The two namespaces. */
export interface TestNetwork {
  /** argv prefix that runs a command in the router's namespace. */
  readonly inRouter: readonly string[];
  readonly inPc: readonly string[];
  close(): void;
}

async function holder(): Promise<ChildProcess> {
  const child = spawn('unshare', ['-n', 'sleep', '3600'], { stdio: 'ignore' });
  // unshare execs sleep in the new namespace: wait until the pid's namespace differs.
  const own = (await run('readlink', ['/proc/self/ns/net'])).stdout.trim();
  for (let i = 0; i < 100; i++) {
    const ns = await run('readlink', [`/proc/${child.pid}/ns/net`]).then(
      (r) => r.stdout.trim(),
      () => own,
    );
    if (ns !== own) return child;
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill();
  throw new Error('the namespace holder did not start');
}

/** Makes the router and PC namespaces and their links. */
export async function makeTestNetwork(): Promise<TestNetwork> {
  const router = await holder();
  const pc = await holder();
  const inRouter = ['nsenter', `--net=/proc/${router.pid}/ns/net`, '--'];
  const inPc = ['nsenter', `--net=/proc/${pc.pid}/ns/net`, '--'];
  const sh = async (prefix: readonly string[], ...cmd: string[]): Promise<void> => {
    const [file, ...args] = [...prefix, ...cmd];
    await run(file ?? 'false', args);
  };
  try {
    await sh(inRouter, 'ip', 'link', 'set', 'lo', 'up');
    await sh(inPc, 'ip', 'link', 'set', 'lo', 'up');
    for (const [r, p, rAddr, pAddr] of [
      ['lan0', 'lan1', NET.routerLan, NET.pcLan],
      ['wwan0', 'cell1', NET.routerCell, NET.pcCell],
    ] as const) {
      await sh(
        inRouter,
        'ip',
        'link',
        'add',
        r,
        'type',
        'veth',
        'peer',
        'name',
        p,
        'netns',
        String(pc.pid),
      );
      await sh(inRouter, 'ip', 'addr', 'add', `${rAddr}/24`, 'dev', r);
      await sh(inPc, 'ip', 'addr', 'add', `${pAddr}/24`, 'dev', p);
      await sh(inRouter, 'ip', 'link', 'set', r, 'up');
      await sh(inPc, 'ip', 'link', 'set', p, 'up');
    }
  } catch (e) {
    router.kill();
    pc.kill();
    throw e;
  }
  return {
    inRouter,
    inPc,
    close: () => {
      router.kill();
      pc.kill();
    },
  };
}

/**
 * A raw TCP client in the PC's namespace: connects from the PC to `host:port`, sends `text`
 * (latin1), and reports what came back before the relay closed (or 15 s passed).
 */
export async function pcConnect(
  net: TestNetwork,
  host: string,
  port: number,
  text: string,
): Promise<{ refused?: boolean; closed?: boolean; got?: string; ms?: number }> {
  const code = `const s = require('net').connect(${port}, ${JSON.stringify(host)});
    const t0 = Date.now(); let got = '';
    const end = (r) => { console.log(JSON.stringify({ ...r, got, ms: Date.now() - t0 })); process.exit(0); };
    s.on('connect', () => s.write(Buffer.from(${JSON.stringify(text)}, 'latin1')));
    s.on('data', (d) => (got += d.toString('latin1')));
    s.on('error', (e) => end(e.code === 'ECONNREFUSED' ? { refused: true } : { error: e.code }));
    s.on('close', () => end({ closed: true }));
    setTimeout(() => end({ closed: false }), 15000);`;
  const child = spawn(net.inPc[0] ?? '', [...net.inPc.slice(1), process.execPath, '-e', code], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise((resolve) => child.once('exit', resolve));
  return JSON.parse(out) as { refused?: boolean; closed?: boolean; got?: string; ms?: number };
}
