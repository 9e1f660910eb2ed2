/**
 * The guest's initramfs: Debian's static busybox, `/init` (test/usb-vm/guest/init.sh) and the
 * kernel modules, as a newc cpio archive built with `cpio`. Cached by the digest of what
 * goes in, so it is rebuilt only when the kernel, busybox or init.sh change.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  access,
  chmod,
  copyFile,
  mkdir,
  mkdtemp,
  open,
  readdir,
  readFile,
  rename,
  rm,
  writeFile,
} from 'node:fs/promises';
import { join, relative } from 'node:path';
import { BOOT_MODULES, ON_DEMAND_MODULES, type GuestKernel } from './debian.js';

async function listTree(root: string, dir = root): Promise<string[]> {
  const out: string[] = [relative(root, dir) || '.'];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listTree(root, path)));
    else out.push(relative(root, path));
  }
  return out;
}

async function archive(staging: string, target: string): Promise<void> {
  const files = await listTree(staging);
  const handle = await open(target, 'w');
  const cpio = spawn('cpio', ['-o', '-H', 'newc', '--quiet'], {
    cwd: staging,
    stdio: ['pipe', handle.fd, 'inherit'],
  });
  cpio.stdin?.end(`${files.join('\n')}\n`);
  const code = await new Promise<number | null>((resolve) => cpio.on('exit', resolve));
  await handle.close();
  if (code !== 0) throw new Error(`cpio exited with ${code}`);
}

/** Builds (or finds in `cache`) the initramfs for `kernel`; returns its path. */
export async function initramfs(cache: string, kernel: GuestKernel, init: string): Promise<string> {
  // busybox-static's (it conflicts with the dynamic busybox package, so this one is static).
  const busybox = '/bin/busybox';
  const digest = createHash('sha256')
    .update(kernel.package)
    .update(await readFile(init))
    .update(await readFile(busybox))
    .update([...BOOT_MODULES, '|', ...ON_DEMAND_MODULES].join(','))
    .digest('hex')
    .slice(0, 16);
  const target = join(cache, `initramfs-${digest}.cpio`);
  if (
    await access(target).then(
      () => true,
      () => false,
    )
  )
    return target;
  for (const old of (await readdir(cache)).filter((f) => f.startsWith('initramfs-')))
    await rm(join(cache, old), { force: true });
  const staging = await mkdtemp(join(cache, 'initramfs-build-'));
  try {
    for (const dir of ['bin', 'dev', 'proc', 'sys', 'newroot', 'modules'])
      await mkdir(join(staging, dir));
    await copyFile(busybox, join(staging, 'bin', 'busybox'));
    await copyFile(init, join(staging, 'init'));
    await chmod(join(staging, 'init'), 0o755);
    for (const m of [...BOOT_MODULES, ...ON_DEMAND_MODULES])
      await copyFile(join(kernel.modules, `${m}.ko`), join(staging, 'modules', `${m}.ko`));
    await writeFile(join(staging, 'modules', 'load-order'), `${BOOT_MODULES.join('\n')}\n`);
    await writeFile(join(staging, 'modules', 'on-demand'), `${ON_DEMAND_MODULES.join('\n')}\n`);
    await archive(staging, `${target}.part`);
    await rename(`${target}.part`, target);
    return target;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
