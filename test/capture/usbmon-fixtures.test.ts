import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  importUsbmon,
  replayAgainstHost,
  transfersToScript,
  type CapturedTransfer,
} from '../../src/capture/index.js';
import { decodeSaharaPacket } from '../../src/sahara/index.js';
import { sidecarHost, usbmonFixtures, type UsbmonFixture } from '../helpers/usbmon-fixtures.js';

const fixtures = usbmonFixtures();

async function replay(f: UsbmonFixture, transfers: readonly CapturedTransfer[]) {
  const { host, cleanup } = await sidecarHost(f.sidecar);
  try {
    return await replayAgainstHost(transfersToScript(transfers), host, f.name);
  } finally {
    await cleanup();
  }
}

/** Device responses the host must act on: the Sahara HELLO's command, and an ACK's `K`. */
function responses(transfers: readonly CapturedTransfer[]): [CapturedTransfer, number][] {
  const out: [CapturedTransfer, number][] = [];
  const hello = transfers.find((t) => {
    try {
      return t.dir === 'in' && decodeSaharaPacket(t.data).type === 'hello';
    } catch {
      return false;
    }
  });
  if (hello) out.push([hello, 0]);
  const ack = transfers.find(
    (t) => t.dir === 'in' && Buffer.from(t.data).includes('<response value="ACK"'),
  );
  if (ack) out.push([ack, Buffer.from(ack.data).indexOf('<response value="ACK"') + 19]);
  return out;
}

describe('usbmon captures in captures/usbmon/, replayed against qfh', () => {
  it('has at least one capture with its sidecar, each saying how it was made', () => {
    expect(fixtures.length).toBeGreaterThan(0);
    // A whole flash made by the real kernel, not only qfh's own export.
    expect(
      fixtures.filter((f) => f.sidecar.origin === 'kernel usbmon' && f.sidecar.command === 'flash'),
    ).not.toHaveLength(0);
    for (const f of fixtures) {
      expect(f.sidecar.origin).toMatch(/^(kernel usbmon|qfh export)$/);
      expect(f.sidecar.made.length).toBeGreaterThan(10);
    }
  });

  for (const f of fixtures) {
    describe(`${f.name} (${f.sidecar.origin}: qfh ${f.sidecar.command} on ${f.sidecar.device})`, () => {
      const session = importUsbmon(readFileSync(f.capture), f.sidecar.select ?? {});

      it('replays to the end', async () => {
        const result = await replay(f, session.transfers);
        expect(result.divergence?.message).toBeUndefined();
        expect(session.transfers.length).toBeGreaterThan(4);
      });

      for (const [target, at] of responses(session.transfers))
        it(`fails at transfer ${target.index} when one byte of that device response is corrupted`, async () => {
          const corrupted = session.transfers.map((t) => {
            if (t !== target) return t;
            const data = Uint8Array.from(t.data);
            data[at] = (data[at] ?? 0) ^ 0x20;
            return { ...t, data };
          });
          const result = await replay(f, corrupted);
          expect(result.divergence?.afterDeviceTransfer).toBe(target.index);
          console.log(
            `${f.name}: byte ${at} of transfer ${target.index} corrupted → ${result.divergence?.message}`,
          );
        });
    });
  }
});
