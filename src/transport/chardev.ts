/**
 * Character-device backend, no native addon: `/dev/ttyUSB*` where qcserial exposes an EDL
 * device, `/dev/wwan0firehose0` (upstream MHI, Firehose only: the kernel loads the
 * programmer) and `/dev/mhi_EDL` (Quectel's pcie_mhi, Firehose part). The node is opened
 * non-blocking and without becoming a controlling terminal; a tty is switched to raw mode
 * with `stty` (present in coreutils and busybox). Reads poll, so a timeout is always kept.
 *
 * @module
 */
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { isatty } from 'node:tty';
import { promisify } from 'node:util';
import { TransportClosedError, TransportError, TransportTimeoutError } from '../errors.js';
import type { ReadOptions, Transport, WriteOptions } from './transport.js';

const run = promisify(execFile);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Options for {@link openCharDevice}. */
export interface CharDeviceOptions {
  /** Told what qfh did (raw mode set). */
  onNotice?: (message: string) => void;
  /** Milliseconds between polls when nothing is there. @default 1 */
  pollMs?: number;
}

/** Opens a character device as a {@link Transport}. */
export async function openCharDevice(
  path: string,
  options: CharDeviceOptions = {},
): Promise<CharDeviceTransport> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new TransportError(
      code === 'EACCES'
        ? 'QFH_TRANSPORT_ACCESS'
        : code === 'EBUSY'
          ? 'QFH_TRANSPORT_BUSY'
          : 'QFH_TRANSPORT_IO',
      `cannot open ${path}: ${(e as Error).message}`,
      {
        cause: e,
        hint:
          code === 'EACCES'
            ? `Run as root or add your user to the group owning ${path} (usually dialout).`
            : code === 'EBUSY'
              ? 'Another program holds the port: stop ModemManager and any other flasher.'
              : `Check that ${path} exists (ls /dev/ttyUSB* /dev/wwan* /dev/mhi_*) and that the modem is in EDL.`,
      },
    );
  }
  if (isatty(handle.fd)) {
    // Line discipline would eat bytes (XON/XOFF, CR/LF mapping, echo): Sahara/Firehose need raw bytes.
    await run('stty', [
      '-F',
      path,
      'raw',
      '-echo',
      '-echoe',
      '-echok',
      '-ixon',
      '-ixoff',
      '-crtscts',
      '115200',
    ]).catch(async () => {
      await handle.close();
      throw new TransportError(
        'QFH_TRANSPORT_IO',
        `cannot put ${path} into raw mode (stty failed)`,
        { hint: 'Install stty (coreutils or busybox), or use the usb backend: --device usb.' },
      );
    });
    options.onNotice?.(`${path}: switched the tty to raw mode`);
  }
  return new CharDeviceTransport(path, handle, options.pollMs ?? 1);
}

/** Whether a device path is a PCIe node that speaks only Firehose (research/modem.md §5). */
export function isFirehoseOnlyNode(path: string): boolean {
  return /\/(wwan\d+firehose\d+|mhi_EDL\d*)$/.test(path);
}

/** One open character device. */
export class CharDeviceTransport implements Transport {
  private closed: TransportClosedError | undefined;
  private readonly buffer = Buffer.alloc(1 << 20);
  readonly firehoseOnly: boolean;

  constructor(
    readonly description: string,
    private readonly handle: FileHandle,
    private readonly pollMs: number,
  ) {
    this.firehoseOnly = isFirehoseOnlyNode(description); // the description is the node's path
  }

  private fail(e: unknown, what: string): never {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EIO' || code === 'ENODEV' || code === 'ENXIO' || code === 'EBADF') {
      this.closed = new TransportClosedError(
        `${this.description}: the device went away during ${what}`,
        { disconnected: true, cause: e },
      );
      throw this.closed;
    }
    throw new TransportError(
      'QFH_TRANSPORT_IO',
      `${this.description}: ${what} failed: ${(e as Error).message}`,
      { cause: e },
    );
  }

  async read(maxBytes: number, options: ReadOptions): Promise<Uint8Array> {
    const deadline = Date.now() + options.timeoutMs;
    for (;;) {
      if (this.closed) throw this.closed;
      let n = 0;
      try {
        ({ bytesRead: n } = await this.handle.read(
          this.buffer,
          0,
          Math.min(maxBytes, this.buffer.length),
          null,
        ));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') this.fail(e, 'read');
      }
      if (n > 0) return Uint8Array.prototype.slice.call(this.buffer.subarray(0, n)) as Uint8Array;
      if (Date.now() >= deadline || options.signal?.aborted)
        throw new TransportTimeoutError(
          `${this.description}: no data within ${options.timeoutMs} ms`,
        );
      await sleep(this.pollMs);
    }
  }

  async write(data: Uint8Array, options: WriteOptions): Promise<void> {
    const deadline = Date.now() + options.timeoutMs;
    let at = 0;
    while (at < data.length) {
      if (this.closed) throw this.closed;
      let n = 0;
      try {
        ({ bytesWritten: n } = await this.handle.write(data, at, data.length - at, null));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') this.fail(e, 'write');
      }
      at += n;
      if (at < data.length) {
        if (Date.now() >= deadline)
          throw new TransportTimeoutError(
            `${this.description}: ${at} of ${data.length} bytes taken within ${options.timeoutMs} ms`,
          );
        if (n === 0) await sleep(this.pollMs);
      }
    }
  }

  async close(): Promise<void> {
    if (!this.closed) this.closed = new TransportClosedError(`${this.description}: closed`);
    await this.handle.close().catch(() => undefined);
  }
}
