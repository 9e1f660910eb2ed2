/**
 * System calls on FunctionFS files, as the kernel needs them. The callback forms of `fs`
 * are used because `fs/promises` skips the system call for zero-length reads and writes,
 * and a zero-length write on an IN endpoint is how FunctionFS sends a ZLP. Every file is
 * opened non-blocking: ep0 then reports "no event" instead of waiting, and an endpoint
 * that the host has not enabled fails at once instead of holding a thread-pool thread.
 *
 * @module
 */
import { close, constants, open, read, write } from 'node:fs';
import { promisify } from 'node:util';

const openFile = promisify(open);

/** Opens a FunctionFS file read-write, non-blocking; resolves to its descriptor. */
export function openFunctionFsFile(path: string): Promise<number> {
  return openFile(path, constants.O_RDWR | constants.O_NONBLOCK);
}

/** Closes a descriptor, ignoring errors (the file may already be gone). */
export function closeFunctionFsFile(fd: number): Promise<void> {
  return new Promise((resolve) => close(fd, () => resolve()));
}

/** One read into `buffer`; resolves to the bytes read (0 for a ZLP on an OUT endpoint). */
export function readInto(fd: number, buffer: Buffer): Promise<number> {
  return new Promise((resolve, reject) =>
    read(fd, buffer, 0, buffer.length, null, (e, n) => (e ? reject(e) : resolve(n))),
  );
}

/** One write of all of `data` (an empty `data` is a ZLP on an IN endpoint). */
export function writeAll(fd: number, data: Uint8Array): Promise<number> {
  return new Promise((resolve, reject) =>
    write(fd, data, 0, data.length, null, (e, n) => (e ? reject(e) : resolve(n))),
  );
}

/** The error's errno name (`EAGAIN`, `ESHUTDOWN`, …). */
export const errnoOf = (e: unknown): string | undefined => (e as NodeJS.ErrnoException).code;

/**
 * The endpoint is off the bus for now: disabled under a pending transfer (ESHUTDOWN), not
 * enabled yet (EAGAIN), or its gadget gone (ENODEV). The host may enable it again.
 */
export const isOffBus = (e: unknown): boolean =>
  ['ESHUTDOWN', 'EAGAIN', 'ENODEV'].includes(errnoOf(e) ?? '');
