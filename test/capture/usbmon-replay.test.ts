import { beforeAll, describe, expect, it } from 'vitest';
import {
  importUsbmon,
  replayAgainstHost,
  transfersToScript,
  type CapturedTransfer,
} from '../../src/capture/index.js';
import { flash } from '../../src/flash/node-flash.js';
import { decodeSaharaPacket } from '../../src/sahara/index.js';
import { demoFlashPcapng, demoPackage } from '../helpers/demo-capture.js';

let root: string;
let transfers: CapturedTransfer[];

beforeAll(async () => {
  root = await demoPackage();
  transfers = importUsbmon(await demoFlashPcapng(root)).transfers;
}, 60_000);

const replayFlash = (t: readonly CapturedTransfer[]) =>
  replayAgainstHost(transfersToScript(t), (transport) => flash(root, transport));

/** The transfers with one byte of transfer `index` replaced. */
function corrupt(index: number, at: number): CapturedTransfer[] {
  return transfers.map((t) => {
    if (t.index !== index) return t;
    const data = Uint8Array.from(t.data);
    data[at] = (data[at] ?? 0) ^ 0x20;
    return { ...t, data };
  });
}

const text = (t: CapturedTransfer): string => Buffer.from(t.data).toString('latin1');
const sahara = (t: CapturedTransfer): string | undefined => {
  try {
    return decodeSaharaPacket(t.data).type;
  } catch {
    return undefined;
  }
};

describe('the demo flash, exported as usbmon pcapng and imported, replayed against qfh flash()', () => {
  it('replays to the end with no divergence', async () => {
    const result = await replayFlash(transfers);
    expect(result.divergence?.message).toBeUndefined();
    expect(result.value).toMatchObject({ ok: true });
    // A whole flash: hundreds of transfers (the simulator's link is a byte stream, so raw data
    // goes out in large writes, recorded as 64 KiB transfers).
    expect(transfers.length).toBeGreaterThan(500);
  });

  // Device responses the host acts on, found in the capture itself: each corrupted by one byte.
  const cases: [string, (t: CapturedTransfer) => number | undefined][] = [
    ['the Sahara HELLO (command field)', (t) => (sahara(t) === 'hello' ? 0 : undefined)],
    ['a Sahara READ_DATA (offset field)', (t) => (sahara(t) === 'readData' ? 12 : undefined)],
    [
      'the Sahara END_IMAGE_TX (status field)',
      (t) => (sahara(t) === 'endImageTx' ? 12 : undefined),
    ],
    ['the Sahara DONE_RESP (command field)', (t) => (sahara(t) === 'doneResponse' ? 0 : undefined)],
    ['the configure ACK', (t) => locate(t, /<response value="ACK" MemoryName/)],
    ['a program ACK that opens raw mode', (t) => locate(t, /<response value="ACK" rawmode="true"/)],
  ];
  for (const [name, find] of cases)
    it(`fails when one byte of ${name} is corrupted, naming that transfer`, async () => {
      const target = transfers.find((t) => t.dir === 'in' && find(t) !== undefined);
      if (!target) throw new Error(`no ${name} in the capture`);
      const result = await replayFlash(corrupt(target.index, find(target) ?? 0));
      expect(result.divergence?.afterDeviceTransfer).toBe(target.index);
      expect(result.divergence?.message).toContain(`after device transfer ${target.index} `);
    });
});

/** Where the `K` of ACK is, in a device document matching `pattern`. */
function locate(t: CapturedTransfer, pattern: RegExp): number | undefined {
  const m = pattern.exec(text(t));
  return m ? m.index + m[0].indexOf('ACK') + 2 : undefined;
}
