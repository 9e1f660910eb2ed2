import assert from 'node:assert/strict';
import { TransportTimeoutError } from '../../../../src/errors.js';
import { decodeSaharaPacket } from '../../../../src/sahara/index.js';
import { waitForEdlDevice } from '../bus.js';
import type { UsbCase } from '../harness.js';
import { startSimulator } from '../simulator.js';
import { openEdl, since } from './open-edl.js';

/** Long enough to measure the libusb-only delay (58–60 s) if qfh's own deadline is gone. */
const GUARD_MS = 90_000;

/** qfh's read deadline against the `usb` 2.18.0 prebuild's late libusb timeouts, on a real idle bus. */
export const lateTimeout: UsbCase = {
  name: 'a 300 ms read timeout on a silent device fires within 1 s (libusb alone fires it up to 60 s late)',
  timeoutMs: GUARD_MS + 30_000,
  async run(ctx) {
    const sim = await startSimulator(ctx, { profile: 'eg25g' });
    try {
      await waitForEdlDevice();
      const usb = await openEdl(ctx);
      try {
        const hello = decodeSaharaPacket(await usb.read(512, { timeoutMs: 5_000 }));
        assert.equal(hello.type, 'hello');
        // The PBL now waits for HELLO_RESP: nothing moves on the bus.
        const started = performance.now();
        const outcome = await Promise.race([
          usb.read(512, { timeoutMs: 300 }).then(
            () => new Error('the silent device sent data'),
            (e: unknown) => e,
          ),
          new Promise((r) =>
            setTimeout(() => r(new Error(`no timeout within ${GUARD_MS} ms`)), GUARD_MS),
          ),
        ]);
        const elapsed = since(started);
        ctx.log(`300 ms read settled after ${elapsed} ms: ${String(outcome)}`);
        assert.ok(
          outcome instanceof TransportTimeoutError,
          `not a timeout after ${elapsed} ms: ${String(outcome)}`,
        );
        assert.ok(elapsed < 1_000, `the 300 ms timeout fired after ${elapsed} ms`);
        return `fired after ${elapsed} ms (${outcome.code})`;
      } finally {
        await usb.close();
      }
    } finally {
      await sim.stop();
    }
  },
};
