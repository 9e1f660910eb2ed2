import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DebugBundleRecorder,
  parseDebugBundle,
  sessionTimeline,
  TappedTransport,
} from '../../src/capture/index.js';
import { SimulatedModem } from '../../src/sim/index.js';
import { SESSION_RANGE, shortSession } from '../helpers/capture-session.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qfh-bundle-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('debug bundle', () => {
  it('keeps protocol messages whole, cuts raw data to its first bytes, and keeps log, plan, versions, host facts', async () => {
    const recorder = new DebugBundleRecorder({ rawBytes: 16 });
    recorder.setPlan({ ops: [{ kind: 'program' }] });
    recorder.log('qfh: first line\nqfh: second line\n');
    await shortSession(
      new TappedTransport(new SimulatedModem({ profile: 'eg25g' }).connect(), [recorder.observe]),
    );
    const file = join(dir, 'b.json');
    await recorder.write(file, { command: ['flash', 'x'], host: [{ check: 'c', status: 'ok' }] });
    const bundle = parseDebugBundle(await readFile(file, 'utf8'));
    if (!bundle) throw new Error('not a bundle');
    expect(bundle.versions.node).toBe(process.version);
    expect(bundle.versions.qfh).toMatch(/^\d+\.\d+\.\d+/);
    expect(bundle.host).toEqual([{ check: 'c', status: 'ok' }]);
    expect(bundle.plan).toEqual({ ops: [{ kind: 'program' }] });
    expect(bundle.log.map((l) => l.line)).toEqual(['qfh: first line', 'qfh: second line']);
    const kept = bundle.transfers.map((t) => ({ ...t, bytes: Buffer.from(t.data, 'base64') }));
    const raw = kept.filter((t) => t.len > 64 && t.bytes[0] !== 0x3c && t.dir === 'out');
    expect(raw.length).toBeGreaterThan(0);
    for (const t of raw) expect(t.bytes.length).toBe(16);
    const documents = kept.filter((t) => t.bytes.subarray(0, 5).toString() === '<?xml');
    for (const t of documents) expect(t.bytes.length).toBe(t.len);
    // Raw phases are counted at their wire length even though their bytes were cut.
    const rows = sessionTimeline(kept.map((t) => ({ ...t, data: t.bytes, length: t.len })));
    const program = rows.find((r) => r.what === 'program');
    expect(program?.bytes).toBe(
      SESSION_RANGE.numPartitionSectors * SESSION_RANGE.sectorSizeInBytes,
    );
    expect(program?.result).toBe('ACK');
    expect(rows.map((r) => r.what).slice(0, 3)).toEqual(['HELLO', 'HELLO_RESP', 'READ_DATA']);
  });

  it('records a read that timed out as a cancelled transfer, not as data', async () => {
    const recorder = new DebugBundleRecorder();
    const modem = new SimulatedModem({ profile: 'eg25g' });
    const t = new TappedTransport(modem.connect(), [recorder.observe]);
    await t.read(64, { timeoutMs: 5000 }); // the HELLO
    await expect(t.read(64, { timeoutMs: 30 })).rejects.toThrow();
    const transfers = recorder.bundle().transfers;
    expect(transfers.map((x) => [x.dir, x.len, x.status])).toEqual([
      ['in', 48, undefined],
      ['in', 0, -2],
    ]);
  });
});
