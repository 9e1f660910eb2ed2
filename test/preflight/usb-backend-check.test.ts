/**
 * `qfh doctor` says whether the usb backend loads here, and what to use when it does not
 * (issue 28): the real load through the CLI, and each way it fails, from load-usb.ts's own
 * errors.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { TransportError } from '../../src/errors.js';
import { usbBackendCheck } from '../../src/preflight/usb-backend-check.js';
import { BIN } from '../helpers/cli.js';

const run = promisify(execFile);

it('qfh doctor reports the usb backend: ok with libusb here, a warning naming the other ways under --no-addons', async () => {
  const plain = await run(process.execPath, [BIN, 'doctor', '--json']).catch(
    (e: { stdout: string }) => e,
  );
  const checks = (out: string): { check: string; status: string; fix?: string }[] =>
    (JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { data: [] }).data;
  expect(checks(plain.stdout).find((c) => c.check === 'usb backend')?.status).toBe('ok');
  const noAddons = await run(process.execPath, ['--no-addons', BIN, 'doctor', '--json']).catch(
    (e: { stdout: string }) => e,
  );
  expect(checks(noAddons.stdout).find((c) => c.check === 'usb backend')).toMatchObject({
    status: 'warn',
    detail: expect.stringContaining('--no-addons'),
    fix: expect.stringContaining('/dev/ttyUSB0'),
  });
});

it('a failure that is not the backend missing is not swallowed', async () => {
  await expect(usbBackendCheck(() => Promise.reject(new RangeError('bug')))).rejects.toThrow('bug');
  const missing = await usbBackendCheck(() =>
    Promise.reject(new TransportError('QFH_USB_UNAVAILABLE', 'no USB backend: not installed')),
  );
  expect(missing).toMatchObject({ status: 'warn', detail: 'no USB backend: not installed' });
});
