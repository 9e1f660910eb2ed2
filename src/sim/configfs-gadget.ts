/**
 * The configfs side of the simulated modem as a USB gadget: a gadget that enumerates as
 * 05c6:9008 with a real EDL device's strings, one configuration holding one FunctionFS
 * function, that function's file system mounted where the device program wants it, and the
 * binding to a USB device controller (UDC), which is what plugging the cable in means to
 * the host. Linux only, as root, with `libcomposite` and `usb_f_fs` loaded.
 *
 * @module
 */
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, rmdir, symlink, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { UsageError } from '../errors.js';

const run = promisify(execFile);

/** Options for {@link createEdlGadget}. */
export interface EdlGadgetOptions {
  /** Gadget and FunctionFS instance name. @default 'qfh-edl' */
  name?: string;
  /** Where the FunctionFS instance is mounted (created if missing). */
  mountPoint: string;
  /** The iProduct string. @default 'QUSB__BULK' */
  product?: string;
  /** Where configfs is mounted. @default '/sys/kernel/config' */
  configfs?: string;
}

/** A created gadget: its configfs folder, its FunctionFS mount, its UDC binding. */
export interface EdlGadget {
  readonly name: string;
  /** The configfs folder (`…/usb_gadget/NAME`). */
  readonly path: string;
  readonly mountPoint: string;
  /** Binds to `udc` (a name in /sys/class/udc): the device appears on that controller's bus. */
  bind(udc: string): Promise<void>;
  /** Unbinds from its UDC (the cable is pulled); nothing happens when it is not bound. */
  unbind(): Promise<void>;
  /** The UDC it is bound to, or '' when unbound. */
  boundTo(): Promise<string>;
  /** Unbinds, unmounts FunctionFS and removes the configfs folders. */
  remove(): Promise<void>;
}

async function write(path: string, value: string): Promise<void> {
  await writeFile(path, value);
}

/** The UDCs of this machine, in /sys/class/udc order. */
export async function listUdcs(): Promise<string[]> {
  return (await readdir('/sys/class/udc').catch(() => [])).sort();
}

/**
 * Creates the configfs gadget and mounts its FunctionFS instance. The device program must
 * then write its descriptors to `ep0` before {@link EdlGadget.bind} can succeed.
 * @throws UsageError when configfs has no usb_gadget folder (libcomposite not loaded).
 */
export async function createEdlGadget(options: EdlGadgetOptions): Promise<EdlGadget> {
  const name = options.name ?? 'qfh-edl';
  const root = join(options.configfs ?? '/sys/kernel/config', 'usb_gadget');
  const path = join(root, name);
  const fn = join(path, 'functions', `ffs.${name}`);
  const config = join(path, 'configs', 'c.1');
  try {
    await mkdir(path);
  } catch (e) {
    throw new UsageError(
      'QFH_USAGE',
      `cannot create the USB gadget ${path}: ${(e as Error).message}`,
      {
        cause: e,
        hint: 'Run as root on Linux with configfs mounted and the gadget modules loaded (modprobe libcomposite usb_f_fs), and remove a gadget of the same name left behind.',
      },
    );
  }
  await write(join(path, 'idVendor'), '0x05c6');
  await write(join(path, 'idProduct'), '0x9008');
  await write(join(path, 'bcdUSB'), '0x0200');
  await mkdir(join(path, 'strings', '0x409'));
  await write(join(path, 'strings', '0x409', 'manufacturer'), 'Qualcomm CDMA Technologies MSM');
  await write(join(path, 'strings', '0x409', 'product'), options.product ?? 'QUSB__BULK');
  await mkdir(config);
  await mkdir(fn);
  await symlink(fn, join(config, `ffs.${name}`));
  await mkdir(options.mountPoint, { recursive: true });
  await run('mount', ['-t', 'functionfs', name, options.mountPoint]);
  const udcFile = join(path, 'UDC');
  const gadget: EdlGadget = {
    name,
    path,
    mountPoint: options.mountPoint,
    bind: (udc) => write(udcFile, udc),
    boundTo: async () => (await readFile(udcFile, 'utf8')).trim(),
    unbind: async () => {
      if ((await gadget.boundTo()) !== '') await write(udcFile, '\n');
    },
    remove: async () => {
      await gadget.unbind().catch(() => undefined);
      await run('umount', [options.mountPoint]).catch(() => undefined);
      await unlink(join(config, `ffs.${name}`)).catch(() => undefined);
      for (const dir of [config, fn, join(path, 'strings', '0x409'), path])
        await rmdir(dir).catch(() => undefined);
    },
  };
  return gadget;
}
