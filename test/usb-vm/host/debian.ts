/**
 * What the USB test machine needs from Debian, installed and fetched with apt itself: the
 * host packages (qemu, a static busybox for the initramfs, cpio, and udev, usbip and tcpdump,
 * which run inside the guest from the host's root), and the stock `linux-image-amd64`
 * kernel, resolved to its current versioned package each run and unpacked without
 * installing. apt's lists are refreshed only when a package cannot be found or fetched.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile, access } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const APT_ENV = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };

/** Host packages, by what needs them. */
export const HOST_PACKAGES = [
  'qemu-system-x86',
  'busybox-static',
  'cpio',
  'udev',
  'usbip',
  'tcpdump',
  // Qualcomm's own host, run in the guest as an independent client of the simulator.
  'qdl',
];

/** Modules insmod-ed at boot, in dependency order (9p root, USB core, gadget, USB/IP, usbmon). */
export const BOOT_MODULES = [
  'virtio_ring',
  'virtio',
  'virtio_pci_modern_dev',
  'virtio_pci_legacy_dev',
  'virtio_pci',
  '9pnet',
  '9pnet_virtio',
  'netfs',
  'fscache',
  '9p',
  'configfs',
  'usb-common',
  'usbcore',
  'udc-core',
  'dummy_hcd',
  'libcomposite',
  'usb_f_fs',
  'usbip-core',
  'vhci-hcd',
  'usbip-vudc',
  'usbmon',
];
/** Modules a case loads itself: a kernel driver for the EDL interface. */
export const ON_DEMAND_MODULES = ['usbserial', 'usb_wwan', 'qcserial'];

async function installed(pkg: string): Promise<boolean> {
  const { stdout } = await exec('dpkg-query', ['-W', '-f=${db:Status-Status}', pkg]).catch(() => ({
    stdout: '',
  }));
  return stdout.trim() === 'installed';
}

/**
 * Runs `step`; if it fails, refreshes apt's lists once and runs it again. apt-get update
 * failing as a whole is tolerated: a source this machine cannot reach (CI reaches only the
 * Debian mirrors and npm) must not stop the Debian lists from refreshing.
 */
async function withFreshLists<T>(log: (m: string) => void, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (e) {
    log(`apt: ${(e as Error).message.split('\n')[0]}; running apt-get update`);
    await exec('apt-get', ['update', '-q'], { env: APT_ENV, maxBuffer: 1 << 24 }).catch(
      (u: unknown) => log(`apt-get update: ${(u as Error).message.split('\n')[0]}`),
    );
    return step();
  }
}

/** Installs whichever of {@link HOST_PACKAGES} is missing. */
export async function ensureHostPackages(log: (m: string) => void): Promise<string[]> {
  const missing: string[] = [];
  for (const pkg of HOST_PACKAGES) if (!(await installed(pkg))) missing.push(pkg);
  if (missing.length === 0) return [];
  if (process.getuid?.() !== 0)
    throw new Error(
      `missing Debian packages ${missing.join(' ')}; install them as root (apt-get install ${missing.join(' ')}) or run as root`,
    );
  log(`installing ${missing.join(' ')}`);
  await withFreshLists(log, () =>
    exec('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], {
      env: APT_ENV,
      maxBuffer: 1 << 24,
    }),
  );
  return missing;
}

/** The versioned package `linux-image-amd64` depends on now. */
async function currentKernelPackage(): Promise<string> {
  const { stdout } = await exec('apt-cache', ['depends', 'linux-image-amd64']);
  const name = /Depends: (linux-image-[^\s]+)/.exec(stdout)?.[1];
  if (!name) throw new Error('apt-cache knows no dependency of linux-image-amd64');
  return name;
}

/** An unpacked kernel: vmlinuz and the `.ko` files the machine loads. */
export interface GuestKernel {
  readonly package: string;
  readonly vmlinuz: string;
  readonly modules: string;
  /** Downloaded this run (not from the cache). */
  readonly fetched: boolean;
}

async function findModule(tree: string, name: string): Promise<string> {
  const { stdout } = await exec('find', [
    tree,
    '-name',
    `${name}.ko`,
    '-o',
    '-name',
    `${name}.ko.xz`,
  ]);
  const path = stdout.split('\n').find(Boolean);
  if (!path) throw new Error(`the kernel package has no module ${name}`);
  return path;
}

async function unpack(deb: string, into: string, dir: string): Promise<void> {
  await exec('dpkg-deb', ['-x', deb, into]);
  const boot = join(into, 'boot');
  const image = (await readdir(boot)).find((f) => f.startsWith('vmlinuz-'));
  if (!image) throw new Error(`${deb} has no /boot/vmlinuz-*`);
  await mkdir(join(dir, 'modules'), { recursive: true });
  await copyFile(join(boot, image), join(dir, 'vmlinuz'));
  for (const name of [...BOOT_MODULES, ...ON_DEMAND_MODULES]) {
    const found = await findModule(join(into, 'lib', 'modules'), name);
    const target = join(dir, 'modules', `${name}.ko`);
    if (found.endsWith('.xz'))
      await writeFile(
        target,
        (await exec('xz', ['-dc', found], { encoding: 'buffer', maxBuffer: 1 << 26 })).stdout,
      );
    else await copyFile(found, target);
  }
}

/** The current Debian kernel, from `cache` or fetched into it (older ones are removed). */
export async function guestKernel(cache: string, log: (m: string) => void): Promise<GuestKernel> {
  const name = await withFreshLists(log, currentKernelPackage);
  const kernels = join(cache, 'kernels');
  const dir = join(kernels, name);
  const ready = join(dir, 'ready');
  const result = { package: name, vmlinuz: join(dir, 'vmlinuz'), modules: join(dir, 'modules') };
  if (
    await access(ready).then(
      () => true,
      () => false,
    )
  )
    return { ...result, fetched: false };
  await mkdir(kernels, { recursive: true });
  for (const old of await readdir(kernels))
    await rm(join(kernels, old), { recursive: true, force: true });
  const tmp = await mkdtemp(join(cache, 'fetch-'));
  try {
    log(`fetching ${name}`);
    await withFreshLists(log, () =>
      exec('apt-get', ['download', '-q', name], { cwd: tmp, env: APT_ENV }),
    );
    const deb = (await readdir(tmp)).find((f) => f.endsWith('.deb'));
    if (!deb) throw new Error(`apt-get download ${name} left no .deb`);
    await unpack(join(tmp, deb), join(tmp, 'root'), dir);
    await writeFile(ready, `${name}\n`);
    return { ...result, fetched: true };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
