/**
 * A simulated modem as a router's kernel shows it: each USB interface with a tty is a pty
 * (python3 pty_relay.py, which holds the modem's bytes until the opener sets raw mode, as
 * usb-serial does), named in a sysfs/dev tree shaped like the real one
 * (`sys/bus/usb/devices/1-1/{idVendor,idProduct}`, `1-1/1-1:1.N/ttyUSBk`,
 * `dev/ttyUSBk` → the pty). In normal mode DIAG (interface 0) and AT (interface 2) are
 * separate ttys; in EDL, interface 0 is the 9008 tty. Each re-enumeration makes new ptys
 * with new ttyUSB numbers, as a kernel that does not reuse them would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SimulatedModem } from '../../src/sim/index.js';
import type { SimLink } from '../../src/sim/sim-transport.js';

const RELAY = join(dirname(fileURLToPath(import.meta.url)), 'pty_relay.py');

interface Pty {
  readonly path: string;
  readonly process: ChildProcess;
}

async function openPty(onData: (d: Buffer) => void): Promise<Pty> {
  const child = spawn('python3', [RELAY], { stdio: ['pipe', 'pipe', 'inherit'] });
  const path = await new Promise<string>((resolve, reject) => {
    let head = Buffer.alloc(0);
    const first = (d: Buffer): void => {
      head = Buffer.concat([head, d]);
      const nl = head.indexOf(0x0a);
      if (nl < 0) return;
      child.stdout.off('data', first);
      child.stdout.on('data', onData);
      if (head.length > nl + 1) onData(head.subarray(nl + 1));
      resolve(head.subarray(0, nl).toString().trim());
    };
    child.stdout.on('data', first);
    child.once('exit', (code) => reject(new Error(`pty relay exited (${code})`)));
  });
  child.stdin.on('error', () => undefined);
  return { path, process: child };
}

/** The modem's ports, kept in step with its state. */
export class ModemPorts {
  private ptys: Pty[] = [];
  private next = 0;
  private generation = 0;
  /** ttyUSB names of the current enumeration, by role. */
  nodes: Partial<Record<'edl' | 'diag' | 'at', string>> = {};
  private changing: Promise<void> = Promise.resolve();
  private link: SimLink | undefined;
  private stopped = false;
  private linkState: string | undefined;

  constructor(
    private readonly modem: SimulatedModem,
    readonly root: string,
  ) {
    modem.onStateChange(() => {
      this.changing = this.changing.then(() => this.enumerate());
    });
  }

  get sys(): string {
    return join(this.root, 'sys');
  }
  get dev(): string {
    return join(this.root, 'dev');
  }

  /** Builds the tree for the modem's current state. */
  async start(): Promise<void> {
    await mkdir(join(this.sys, 'class/net'), { recursive: true });
    await mkdir(this.dev, { recursive: true });
    await this.enumerate();
  }

  /** Waits until the ports follow the latest state change. */
  settled(): Promise<void> {
    return this.changing;
  }

  private async enumerate(): Promise<void> {
    if (this.stopped) return;
    // Several state changes can land before this runs: one enumeration per attachment.
    if (this.link?.attached && this.modem.state === this.linkState) return;
    const generation = ++this.generation;
    for (const p of this.ptys.splice(0)) p.process.kill();
    await rm(join(this.sys, 'bus/usb/devices'), { recursive: true, force: true });
    await rm(join(this.sys, 'devices'), { recursive: true, force: true });
    for (const role of Object.values(this.nodes)) await rm(join(this.dev, role), { force: true });
    this.nodes = {};
    const state = this.modem.state;
    if (state !== 'edl' && state !== 'normal') return;
    const link = this.modem.connect();
    this.link = link;
    this.linkState = state;
    let lastWriter: Pty | undefined;
    let writes = Promise.resolve();
    const toModem = (from: () => Pty | undefined) => (d: Buffer) => {
      lastWriter = from();
      writes = writes.then(() => link.write(d, { timeoutMs: 5000 })).catch(() => undefined);
    };
    const usb = this.modem.usbId ?? { vid: 0, pid: 0 };
    const device = join(this.sys, 'devices/usb1/1-1');
    await mkdir(device, { recursive: true });
    await writeFile(join(device, 'idVendor'), `${hex4(usb.vid)}\n`);
    await writeFile(join(device, 'idProduct'), `${hex4(usb.pid)}\n`);
    await mkdir(join(this.sys, 'bus/usb/devices'), { recursive: true });
    await symlink(device, join(this.sys, 'bus/usb/devices/1-1'));
    const roles: ['edl' | 'diag' | 'at', number][] =
      state === 'edl'
        ? [['edl', 0]]
        : [
            ['diag', 0],
            ['at', 2],
          ];
    for (const [role, iface] of roles) {
      const holder: { pty?: Pty } = {};
      const pty = await openPty(toModem(() => holder.pty));
      holder.pty = pty;
      this.ptys.push(pty);
      const node = `ttyUSB${this.next + iface}`;
      await mkdir(join(device, `1-1:1.${iface}`, node), { recursive: true });
      await symlink(pty.path, join(this.dev, node));
      this.nodes[role] = node;
    }
    if (state === 'normal') await mkdir(join(device, '1-1:1.4/net/wwan0'), { recursive: true });
    this.next += state === 'edl' ? 1 : 4;
    // Device → host: to the tty that spoke last (AT and DIAG are request/answer ports).
    void (async () => {
      for (;;) {
        try {
          const d = await link.read(65536, { timeoutMs: 200 });
          if (generation !== this.generation) return;
          const to = state === 'edl' ? this.ptys[0] : lastWriter;
          if (d.length > 0) to?.process.stdin?.write(d);
        } catch (e) {
          if ((e as { code?: string }).code !== 'QFH_TRANSPORT_TIMEOUT') return;
          if (generation !== this.generation) return;
        }
      }
    })();
  }

  /** Names the router's `wwan0` as the modem's network interface (sysfs `device` link). */
  async markModemNet(name: string): Promise<void> {
    await mkdir(join(this.sys, 'class/net', name), { recursive: true });
    await symlink(
      join(this.sys, 'devices/usb1/1-1/1-1:1.4'),
      join(this.sys, 'class/net', name, 'device'),
    );
  }

  /** Ends every pty; no more enumerations. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.generation++;
    await this.changing.catch(() => undefined);
    for (const p of this.ptys.splice(0)) p.process.kill();
  }
}

const hex4 = (n: number): string => n.toString(16).padStart(4, '0');
