import { expect, it } from 'vitest';
import { DebugBundleRecorder, sessionTimeline } from '../../src/capture/index.js';
import type { TransferEvent } from '../../src/capture/tapped-transport.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

it('a long raw data phase costs a handful of bundle entries, and the timeline still counts every byte', () => {
  const recorder = new DebugBundleRecorder();
  let urb = 0;
  const out = (data: Uint8Array): void => {
    const id = ++urb;
    const base = { urb: id, dir: 'out' as const, timeUs: id, length: data.length };
    recorder.observe({ kind: 'submit', ...base, data } satisfies TransferEvent);
    recorder.observe({ kind: 'complete', ...base, data: new Uint8Array(0), status: 0 });
  };
  const inn = (data: Uint8Array): void => {
    const id = ++urb;
    const base = { urb: id, dir: 'in' as const, timeUs: id };
    recorder.observe({ kind: 'submit', ...base, data: new Uint8Array(0), length: 4096 });
    recorder.observe({ kind: 'complete', ...base, data, length: data.length, status: 0 });
  };
  const piece = 65536;
  const pieces = 1000;
  out(
    text(
      `<?xml version="1.0" ?><data><program SECTOR_SIZE_IN_BYTES="4096" num_partition_sectors="${(piece * pieces) / 4096}" physical_partition_number="0" start_sector="0"/></data>`,
    ),
  );
  inn(text('<?xml version="1.0" ?><data><response value="ACK" rawmode="true" /></data>'));
  for (let i = 0; i < pieces; i++) out(new Uint8Array(piece).fill(0x80 + (i % 100)));
  inn(text('<?xml version="1.0" ?><data><response value="ACK" rawmode="false" /></data>'));
  out(text('<?xml version="1.0" ?><data><nop /></data>'));
  inn(text('<?xml version="1.0" ?><data><response value="ACK" rawmode="false" /></data>'));

  const transfers = recorder.bundle().transfers;
  const raw = transfers.filter((t) => t.dir === 'out' && t.len >= piece);
  // The first four one by one, the middle merged into one entry, the last one by one.
  expect(raw.map((t) => t.merged ?? 1)).toEqual([1, 1, 1, 1, pieces - 5, 1]);
  expect(raw.reduce((n, t) => n + t.len, 0)).toBe(piece * pieces);
  const rows = sessionTimeline(
    transfers.map((t) => ({ ...t, data: Buffer.from(t.data, 'base64'), length: t.len })),
  );
  expect(rows.map((r) => [r.what, r.bytes, r.result])).toEqual([
    ['program', piece * pieces, 'ACK'],
    ['nop', 0, 'ACK'],
  ]);
});
